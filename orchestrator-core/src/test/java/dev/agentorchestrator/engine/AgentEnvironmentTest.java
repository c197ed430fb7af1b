package dev.agentorchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.agents.AgentEnvironment;
import dev.agentorchestrator.agents.CommandLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, "agents' environment": an agent inherits only an allow-list of the host's variables,
 * and an API key it was given is never written to a record, transcript or log.
 */
class AgentEnvironmentTest {

    private static final String PLANTED = "sk-ant-test-PLANTED-" + "4f1c9e2d7b3a";
    private static final String PLANTED_TOKEN = "ghp_PLANTEDtoken" + "0123456789";

    @TempDir
    Path tmp;

    @Test
    void theAllowListKeepsWhatAgentsNeedAndDropsTheRest() {
        Map<String, String> host = Map.ofEntries(Map.entry("PATH", "/bin"), Map.entry("HOME", "/home/u"),
                Map.entry("LC_ALL", "C.UTF-8"), Map.entry("ANTHROPIC_API_KEY", "k1"), Map.entry("OPENAI_API_KEY", "k2"),
                Map.entry("GEMINI_API_KEY", "k3"), Map.entry("https_proxy", "http://proxy"),
                Map.entry("AWS_SECRET_ACCESS_KEY", "aws"), Map.entry("DATABASE_PASSWORD", "db"),
                Map.entry("GITHUB_TOKEN", "gh"), Map.entry("MAVEN_OPTS", "-Xmx1g"));
        Map<String, String> kept = AgentEnvironment.inherited(host);
        assertEquals(List.of("ANTHROPIC_API_KEY", "GEMINI_API_KEY", "HOME", "LC_ALL", "OPENAI_API_KEY", "PATH", "https_proxy"),
                List.copyOf(kept.keySet()));
        String old = System.getProperty(AgentEnvironment.INHERIT_PROPERTY);
        try {
            System.setProperty(AgentEnvironment.INHERIT_PROPERTY, "MAVEN_OPTS, GITHUB_*");
            Map<String, String> extended = AgentEnvironment.inherited(host);
            assertTrue(extended.containsKey("MAVEN_OPTS") && extended.containsKey("GITHUB_TOKEN"), extended.toString());
            assertFalse(extended.containsKey("AWS_SECRET_ACCESS_KEY"));
            System.setProperty(AgentEnvironment.INHERIT_PROPERTY, "*");
            assertEquals(host, AgentEnvironment.inherited(host), "'*' inherits everything");
        } finally {
            if (old == null) {
                System.clearProperty(AgentEnvironment.INHERIT_PROPERTY);
            } else {
                System.setProperty(AgentEnvironment.INHERIT_PROPERTY, old);
            }
        }
    }

    @Test
    void secretValuesAreReplacedInLinesButShortOrPlainValuesAreNot() {
        var redact = AgentEnvironment.redactor(Map.of("ANTHROPIC_API_KEY", PLANTED, "HOME", "/home/someone-long",
                "SHORT_TOKEN", "abc"));
        assertEquals("key=[redacted ANTHROPIC_API_KEY] home=/home/someone-long abc",
                redact.apply("key=" + PLANTED + " home=/home/someone-long abc"));
    }

    @Test
    void aPlantedKeyReachesTheAgentButNoFileThatTheOrchestratorWrites() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        List<String> transcript = new CopyOnWriteArrayList<>();
        // Prompt-free: the command has no {prompt}, so it gets the prompt on stdin and ignores it.
        CommandLauncher envAgent = CommandLauncher.builder().name("env-agent")
                .command("sh", "-c", "env; echo \"the key is $ANTHROPIC_API_KEY\"; echo \"token $GH_TOKEN\" >&2")
                .environment("ANTHROPIC_API_KEY", PLANTED)
                .build();
        try (Orchestrator o = f.start(f.builder().agent(envAgent).agentEnvironment("GH_TOKEN", PLANTED_TOKEN)
                .listener(e -> transcript.add(e.toString())))) {
            o.addFeature("env", "print your environment");
            // It commits nothing, so it settles IDLE; what matters is that it ran to its end.
            assertEquals(SessionState.IDLE, o.await("env", Duration.ofSeconds(60)).state(), () -> o.session("env").toString());
        }
        List<String> leaks = new ArrayList<>();
        List<Path> searched = new ArrayList<>();
        for (Path root : List.of(f.repo, f.root.resolve("repo.worktrees"))) {
            if (!Files.exists(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(Files::isRegularFile).forEach(p -> {
                    searched.add(p);
                    String text = read(p);
                    if (text.contains(PLANTED) || text.contains(PLANTED_TOKEN)) {
                        leaks.add(p.toString());
                    }
                });
            }
        }
        assertTrue(leaks.isEmpty(), "the planted secrets were written to " + leaks);
        String all = searched.stream().map(AgentEnvironmentTest::read).reduce("", String::concat);
        assertTrue(all.contains("[redacted ANTHROPIC_API_KEY]"), "the agent saw the key (its transcript shows where)");
        assertTrue(all.contains("[redacted GH_TOKEN]"), "the orchestrator's agentEnvironment reaches the agent too");
        assertTrue(all.contains("PATH="), "the agent inherits PATH");
        assertFalse(transcript.stream().anyMatch(l -> l.contains(PLANTED) || l.contains(PLANTED_TOKEN)),
                "no event carries the secrets");
    }

    private static String read(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
