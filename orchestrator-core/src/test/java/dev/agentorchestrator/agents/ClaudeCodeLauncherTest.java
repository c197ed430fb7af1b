package dev.agentorchestrator.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.AgentLaunchException;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.spi.AgentLauncher;
import dev.agentorchestrator.spi.AgentListener;
import dev.agentorchestrator.spi.AgentRequest;
import dev.agentorchestrator.spi.Workspace;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line and environment {@link ClaudeCodeLauncher} builds, option by option. */
class ClaudeCodeLauncherTest {

    private static final List<String> BASE = List.of("claude", "-p", "--output-format", "stream-json", "--verbose");

    @TempDir
    Path dir;

    @Test
    void defaultsRunClaudeFromThePathWithTheCliDefaults() {
        ClaudeCodeLauncher launcher = new ClaudeCodeLauncher();

        assertEquals(concat(BASE, List.of("--", "Fix the bug")), launcher.command(request("Fix the bug")));
        assertEquals(Optional.empty(), launcher.standardInput(request("Fix the bug")));
        assertEquals("claude-code", launcher.name());
        assertEquals(100, launcher.priority());
        assertTrue(launcher.permissionMode().isEmpty());
        assertTrue(launcher.allowedTools().isEmpty());
    }

    @Test
    void everyOptionLandsOnTheCommandLineBeforeThePrompt() {
        ClaudeCodeLauncher launcher = ClaudeCodeLauncher.builder()
                .executable("/opt/claude/bin/claude")
                .permissionMode("acceptEdits")
                .allowedTools("Write", "Bash(git diff:*)")
                .disallowedTools("WebFetch")
                .model("sonnet")
                .appendSystemPrompt("Commit often.")
                .extraArgs("--max-budget-usd", "2")
                .build();

        assertEquals(List.of("/opt/claude/bin/claude", "-p", "--output-format", "stream-json", "--verbose",
                        "--permission-mode", "acceptEdits",
                        "--allowedTools", "Write", "Bash(git diff:*)",
                        "--disallowedTools", "WebFetch",
                        "--model", "sonnet",
                        "--append-system-prompt", "Commit often.",
                        "--max-budget-usd", "2",
                        "--", "-starts with a dash"),
                launcher.command(request("-starts with a dash")));
    }

    @Test
    void followUpResumesTheAgentsConversation() {
        AgentRequest followUp = request("first").resuming("0b7e6a0c-1111-2222-3333-444455556666", "And now the tests");

        assertEquals(concat(BASE, List.of("--resume", "0b7e6a0c-1111-2222-3333-444455556666", "--", "And now the tests")),
                new ClaudeCodeLauncher().command(followUp));
    }

    @Test
    void promptTooLongForAnArgumentGoesToStandardInput() {
        String atLimit = "a".repeat(ProcessAgentLauncher.MAX_ARGUMENT_CHARS);
        String overLimit = atLimit + "b";
        ClaudeCodeLauncher launcher = new ClaudeCodeLauncher();

        assertEquals(concat(BASE, List.of("--", atLimit)), launcher.command(request(atLimit)));
        assertEquals(BASE, launcher.command(request(overLimit)), "no prompt argument: -p reads standard input");
        assertEquals(Optional.of(overLimit), launcher.standardInput(request(overLimit)));
    }

    @Test
    void requestEnvironmentWinsOverTheLaunchersDefaults() {
        ClaudeCodeLauncher launcher = ClaudeCodeLauncher.builder()
                .environment(Map.of("ANTHROPIC_BASE_URL", "http://127.0.0.1:1", "CLAUDE_CODE_MAX_RETRIES", "0"))
                .build();
        AgentRequest request = new AgentRequest("s", Workspace.of(dir), "p", Optional.empty(),
                Map.of("ANTHROPIC_BASE_URL", "http://127.0.0.1:2"), AgentListener.ignoring());

        assertEquals(Map.of("ANTHROPIC_BASE_URL", "http://127.0.0.1:2", "CLAUDE_CODE_MAX_RETRIES", "0"),
                launcher.extraEnvironment(request));
    }

    @Test
    void newBuilderDerivesAChangedCopyAndLeavesTheOriginal() {
        ClaudeCodeLauncher original = ClaudeCodeLauncher.builder().model("opus").allowedTools("Write").build();
        ClaudeCodeLauncher changed = original.newBuilder().clearModel().permissionMode("plan").build();

        assertEquals(Optional.of("opus"), original.model());
        assertTrue(original.permissionMode().isEmpty());
        assertTrue(changed.model().isEmpty());
        assertEquals(Optional.of("plan"), changed.permissionMode());
        assertEquals(List.of("Write"), changed.allowedTools());
    }

    @Test
    void badSettingsAreRefusedWhenBuilt() {
        ClaudeCodeLauncher.Builder builder = ClaudeCodeLauncher.builder();
        assertThrows(ConfigurationException.class, () -> builder.executable(" "));
        assertThrows(ConfigurationException.class, () -> builder.allowedTools("Write", ""));
        assertThrows(ConfigurationException.class, () -> builder.permissionMode(""));
        ConfigurationException dashes = assertThrows(ConfigurationException.class, () -> builder.extraArgs("--"));
        assertTrue(dashes.getMessage().contains("before the prompt"), dashes.getMessage());
    }

    @Test
    void nullIsRefusedWithTheParameterNamed() {
        ClaudeCodeLauncher.Builder builder = ClaudeCodeLauncher.builder();
        NullPointerException model = assertThrows(NullPointerException.class, () -> builder.model(null));
        assertEquals("model", model.getMessage());
        assertThrows(NullPointerException.class, () -> builder.extraArgs(java.util.Arrays.asList("--x", null)));
        assertThrows(NullPointerException.class, () -> builder.permissionMode(null));
        assertThrows(NullPointerException.class, () -> builder.environment(null));
    }

    @Test
    void missingExecutableIsReportedWithTheWayToInstallIt() {
        ClaudeCodeLauncher launcher = ClaudeCodeLauncher.builder().executable(dir.resolve("no-such-claude").toString()).build();

        AgentLaunchException e = assertThrows(AgentLaunchException.class, () -> launcher.launch(request("hi")));

        assertTrue(e.getMessage().contains("no-such-claude"), e.getMessage());
        assertTrue(e.getMessage().contains("npm install -g @anthropic-ai/claude-code"), e.getMessage());
    }

    @Test
    void isRegisteredForServiceLoaderAsTheDefault() {
        List<AgentLauncher> found = ServiceLoader.load(AgentLauncher.class).stream().map(ServiceLoader.Provider::get).toList();
        AgentLauncher best = found.stream().max(java.util.Comparator.comparingInt(AgentLauncher::priority)).orElseThrow();

        assertInstanceOf(ClaudeCodeLauncher.class, best, "found " + found);
        assertFalse(best.toString().isBlank());
    }

    private AgentRequest request(String prompt) {
        return AgentRequest.of("feature", Workspace.of(dir), prompt, AgentListener.ignoring());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
