package dev.agentorchestrator.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.spi.AgentExit;
import dev.agentorchestrator.spi.AgentExit.Outcome;
import dev.agentorchestrator.spi.AgentLauncher;
import dev.agentorchestrator.spi.AgentListener;
import dev.agentorchestrator.spi.AgentProcess;
import dev.agentorchestrator.spi.AgentRequest;
import dev.agentorchestrator.spi.Availability;
import dev.agentorchestrator.spi.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link ProcessAgentLauncher} adds for every subclass: handles, availability, a run that always ends. */
class ProcessAgentLauncherTest {
    private static final String PLANTED_SECRET = "sk-planted-secret-4711";

    @TempDir
    Path temp;

    @Test
    void aRunEndsAsFailedWhenItsInterpreterThrows() throws Exception {
        ProcessAgentLauncher broken = new ProcessAgentLauncher() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            protected List<String> command(AgentRequest request) {
                return List.of("bash", "-c", "echo one; echo two >&2; exit 0");
            }

            @Override
            protected OutputInterpreter interpreter(AgentRequest request) {
                return new OutputInterpreter() {
                    @Override
                    public void onStdout(String line, Consumer<AgentEvent> emit) {
                        throw new IllegalStateException("cannot read " + line);
                    }

                    @Override
                    public AgentExit finish(ProcessExit exit) {
                        throw new IllegalStateException("cannot judge");
                    }
                };
            }
        };
        AgentProcess process = broken.launch(AgentRequest.of("s", Workspace.of(temp), "go", AgentListener.ignoring()));

        AgentExit exit = process.exit().get(30, TimeUnit.SECONDS);
        assertEquals(Outcome.FAILED, exit.outcome());
        assertTrue(exit.message().contains("cannot judge"), exit.message());
    }

    @Test
    void aLocalHandleIsThePidAndStartOfTheAgent() throws Exception {
        CommandStandIn agent = CommandStandIn.create(temp, "my-agent").printing("hi");
        AgentProcess process = CommandLauncher.of(agent.path()).launch(AgentRequest.of("s", Workspace.of(temp), "go", AgentListener.ignoring()));
        process.exit().get(30, TimeUnit.SECONDS);

        assertTrue(process.handle().matches("local:\\d+:\\d+"), process.handle());
        LocalAgentHandle handle = LocalAgentHandle.parse(process.handle()).orElseThrow();
        assertEquals(Files.readString(agent.dir.resolve("pid")).strip(), Long.toString(handle.pid()));
        assertEquals(process.handle(), handle.toString());
    }

    @Test
    void availabilityReportsAVersionCommandThatFails() throws IOException {
        Path failing = temp.resolve("claude");
        Files.writeString(failing, "#!/bin/sh\necho 'claude: config is broken' >&2\nexit 3\n");
        Files.setPosixFilePermissions(failing, PosixFilePermissions.fromString("rwxr-xr-x"));

        Availability a = ClaudeCodeLauncher.builder().executable(failing.toString()).build().availability();

        assertFalse(a.usable());
        assertTrue(a.detail().contains("exited with code 3") && a.detail().contains("config is broken"), a.detail());
    }

    @Test
    void availabilityLooksOnThePathForABareName() {
        Availability a = CommandLauncher.of("agent-binary-that-is-not-installed-anywhere", "{prompt}").availability();
        assertFalse(a.usable());
        assertTrue(a.detail().contains("not found on the PATH"), a.detail());
        assertTrue(CommandLauncher.of("bash", "-c", "true").availability().usable());
    }

    @Test
    void settingsNameTheEnvironmentButNeverHoldItsValues() {
        List<AgentLauncher> launchers = List.of(
                ClaudeCodeLauncher.builder().model("opus").allowedTools("Write", "Bash(git:*)")
                        .environment(Map.of("ANTHROPIC_API_KEY", PLANTED_SECRET)).build(),
                CodexLauncher.builder().model("gpt-5").environment("CODEX_API_KEY", PLANTED_SECRET).build(),
                GeminiLauncher.builder().environment("GEMINI_API_KEY", PLANTED_SECRET).build(),
                AiderLauncher.builder().environment("OPENAI_API_KEY", PLANTED_SECRET).files("a.txt").build(),
                CommandLauncher.builder().command("my-agent", "{prompt}").environment("TOKEN", PLANTED_SECRET).build());
        for (AgentLauncher launcher : launchers) {
            Map<String, String> settings = launcher.settings();
            assertFalse(settings.toString().contains(PLANTED_SECRET), launcher.name() + ": " + settings);
            assertTrue(settings.containsKey("executable"), launcher.name() + ": " + settings);
            assertTrue(settings.containsKey("environmentNames"), launcher.name() + ": " + settings);
        }
        assertEquals("opus", launchers.get(0).settings().get("model"));
        assertEquals("Write\0Bash(git:*)", launchers.get(0).settings().get("allowedTools"));
        assertEquals("workspace-write", launchers.get(1).settings().get("sandbox"));
    }

    @Test
    void settingsChangeWithWhatDecidesHowTheAgentRuns() {
        assertFalse(ClaudeCodeLauncher.builder().build().settings()
                .equals(ClaudeCodeLauncher.builder().allowedTools("Write").build().settings()));
        assertEquals(CodexLauncher.builder().build().settings(), new CodexLauncher().settings());
    }

    @Test
    void buildersRefuseUnusableValuesWithAConfigurationExceptionAndNullWithItsName() {
        assertThrows(ConfigurationException.class, () -> CodexLauncher.builder().executable(" "));
        assertThrows(ConfigurationException.class, () -> GeminiLauncher.builder().model(""));
        assertThrows(ConfigurationException.class, () -> AiderLauncher.builder().chatHistoryFile(" "));
        assertThrows(ConfigurationException.class, () -> CommandLauncher.builder().name(" "));
        assertThrows(ConfigurationException.class, () -> CommandLauncher.builder().waitingPattern("(unclosed"));
        assertEquals("sandbox", assertThrows(NullPointerException.class, () -> CodexLauncher.builder().sandbox(null)).getMessage());
        assertEquals("mode", assertThrows(NullPointerException.class, () -> GeminiLauncher.builder().approvalMode(null)).getMessage());
        assertEquals("model", assertThrows(NullPointerException.class, () -> AiderLauncher.builder().model(null)).getMessage());
        assertEquals("name", assertThrows(NullPointerException.class, () -> CommandLauncher.builder().name(null)).getMessage());
        assertTrue(CodexLauncher.builder().model("x").clearModel().clearSandbox().build().settings().get("sandbox").contains("default"));
    }
}
