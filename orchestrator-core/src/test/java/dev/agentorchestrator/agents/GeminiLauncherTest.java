package dev.agentorchestrator.agents;

import static dev.agentorchestrator.agents.CommandStandIn.TRICKY_PROMPT;
import static dev.agentorchestrator.agents.CommandStandIn.assertMentions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.AgentLaunchException;
import dev.agentorchestrator.agents.CommandStandIn.Run;
import dev.agentorchestrator.agents.GeminiLauncher.ApprovalMode;
import dev.agentorchestrator.spi.AgentExit.Outcome;
import dev.agentorchestrator.spi.AgentListener;
import dev.agentorchestrator.spi.AgentRequest;
import dev.agentorchestrator.spi.Workspace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeminiLauncherTest {
    @TempDir
    Path tmp;
    Path worktree;
    CommandStandIn gemini;

    @BeforeEach
    void setUp() throws Exception {
        worktree = Files.createDirectories(tmp.resolve("worktree"));
        gemini = CommandStandIn.create(tmp, "gemini");
    }

    private GeminiLauncher launcher() {
        return GeminiLauncher.builder().executable(gemini.path()).build();
    }

    @Test
    void defaultCommandLineIsPromptModeWithStreamJsonAndAutoEdit() throws Exception {
        gemini.printingResource("gemini/success.jsonl");

        CommandStandIn.run(launcher(), worktree, "Add a greeting");

        assertEquals(List.of("--output-format", "stream-json", "--approval-mode", "auto_edit", "-p", "Add a greeting"), gemini.argv());
        assertEquals(worktree.toRealPath(), gemini.workingDirectory());
        assertEquals(0, gemini.stdin().length);
    }

    @Test
    void everyOptionAppearsOnTheCommandLineInOrder() {
        gemini.printingResource("gemini/success.jsonl");
        GeminiLauncher launcher = launcher().newBuilder().model("gemini-2.5-pro").yolo()
                .extraArgs("--include-directories", "../shared").environment("GEMINI_API_KEY", "test-key").build();

        CommandStandIn.run(launcher, worktree, "go");

        assertEquals(List.of("--output-format", "stream-json", "--model", "gemini-2.5-pro", "--approval-mode", "yolo",
                "--include-directories", "../shared", "-p", "go"), gemini.argv());
        assertEquals("test-key", gemini.environment().get("GEMINI_API_KEY"));
    }

    @Test
    void noApprovalModeLeavesItToTheSettings() {
        gemini.printingResource("gemini/success.jsonl");

        CommandStandIn.run(launcher().newBuilder().clearApprovalMode().build(), worktree, "go");

        assertEquals(List.of("--output-format", "stream-json", "-p", "go"), gemini.argv());
    }

    @Test
    void resumePassesTheSessionIdFromInit() {
        gemini.printingResource("gemini/success.jsonl");

        CommandStandIn.run(launcher(), worktree, "Now add tests", Optional.of("c7a2f1e0-5b7d-4c35-9a1e-2f7d1c0b9e11"), Map.of());

        assertEquals(List.of("--output-format", "stream-json", "--approval-mode", "auto_edit",
                "--resume", "c7a2f1e0-5b7d-4c35-9a1e-2f7d1c0b9e11", "-p", "Now add tests"), gemini.argv());
    }

    @Test
    void aSuccessfulRunBecomesEventsAndDone() {
        gemini.printingResource("gemini/success.jsonl");

        Run run = CommandStandIn.run(launcher(), worktree, "Add a greeting");

        assertEquals(Outcome.DONE, run.exit().outcome());
        List<AgentEvent> events = run.events();
        assertEquals(new AgentEvent.Started("c7a2f1e0-5b7d-4c35-9a1e-2f7d1c0b9e11", Optional.of("gemini-2.5-pro"), List.of()), events.get(0));
        assertEquals(new AgentEvent.AssistantText("I'll read the file first."), events.get(1), "delta chunks are joined");
        assertEquals(new AgentEvent.ToolUse("read_file-1", "read_file", "{\"file_path\":\"src/hello.py\"}", "src/hello.py"), events.get(2));
        assertEquals(new AgentEvent.ToolResult("read_file-1", false, "print('hi')"), events.get(3));
        assertEquals(new AgentEvent.ToolUse("replace-2", "replace",
                "{\"file_path\":\"src/missing.py\",\"old_string\":\"hi\",\"new_string\":\"hello\"}", "src/missing.py"), events.get(4));
        assertEquals(new AgentEvent.ToolResult("replace-2", true, "File not found"), events.get(5));
        assertEquals("error", ((AgentEvent.Raw) events.get(6)).type());
        assertEquals("checkpoint", ((AgentEvent.Raw) events.get(7)).type(), "unknown kinds are kept; the garbled line is skipped");
        assertEquals(new AgentEvent.AssistantText("Done: src/hello.py now greets."), events.get(8));
        AgentEvent.TurnFinished turn = (AgentEvent.TurnFinished) events.get(9);
        assertFalse(turn.error());
        assertEquals("Done: src/hello.py now greets.", turn.text());
        assertEquals(Duration.ofMillis(1200), turn.duration());
        assertEquals(10, events.size(), events.toString());
    }

    @Test
    void anErrorResultFailsTheRun() {
        gemini.printingResource("gemini/failure.jsonl").exitingWith(53);

        Run run = CommandStandIn.run(launcher(), worktree, "go");

        assertEquals(Outcome.FAILED, run.exit().outcome());
        assertEquals(53, run.exit().exitCode());
        assertEquals("Maximum session turns exceeded", run.exit().message());
        assertTrue(run.recorder().only(AgentEvent.TurnFinished.class).error());
    }

    @Test
    void aCrashBeforeAnyResultFailsWithTheExitCodesMeaningAndStderr() {
        gemini.printingOnStderr("Please set an Auth method in your settings.json").exitingWith(1);

        Run run = CommandStandIn.run(launcher(), worktree, "go");

        assertEquals(Outcome.FAILED, run.exit().outcome());
        assertEquals("gemini exited with code 1 (general or API error): Please set an Auth method in your settings.json", run.exit().message());
    }

    @Test
    void aToolThatNeedsConfirmationLeavesTheRunWaiting() {
        gemini.printingResource("gemini/denied.jsonl");

        Run run = CommandStandIn.run(launcher(), worktree, "Run the tests");

        assertEquals(Outcome.WAITING_FOR_INPUT, run.exit().outcome());
        assertMentions(run.exit().message(), "run_shell_command", "approval mode");
        AgentEvent.PermissionDenied denied = run.recorder().only(AgentEvent.PermissionDenied.class);
        assertEquals("run_shell_command", denied.tool());
        assertEquals("run_shell_command-1", denied.toolUseId());
        assertEquals(List.of("run_shell_command"), run.recorder().only(AgentEvent.TurnFinished.class).permissionDenials());
    }

    @Test
    void aPromptWithShellSyntaxArrivesByteForByte() {
        gemini.printingResource("gemini/success.jsonl");

        CommandStandIn.run(launcher(), worktree, TRICKY_PROMPT);

        assertArrayEquals(TRICKY_PROMPT.getBytes(StandardCharsets.UTF_8), gemini.argumentBytes(gemini.argv().size() - 1));
    }

    @Test
    void aPromptTooLongForAnArgumentGoesToStdinWithoutDashP() {
        gemini.printingResource("gemini/success.jsonl");
        String prompt = CommandStandIn.longPrompt(120_000);

        Run run = CommandStandIn.run(launcher(), worktree, prompt);

        assertEquals(Outcome.DONE, run.exit().outcome());
        assertEquals(List.of("--output-format", "stream-json", "--approval-mode", "auto_edit"), gemini.argv());
        assertArrayEquals(prompt.getBytes(StandardCharsets.UTF_8), gemini.stdin());
    }

    @Test
    void stopEndsTheAgentAndTheProcessesItStarted() {
        assertEquals(Outcome.STOPPED, CommandStandIn.stopKillsTree(launcher(), gemini, worktree).outcome());
    }

    @Test
    void aMissingExecutableIsALaunchErrorNamingItAndHowToInstall() {
        GeminiLauncher launcher = GeminiLauncher.builder().executable(tmp.resolve("no-such-gemini").toString()).build();

        AgentLaunchException e = assertThrows(AgentLaunchException.class,
                () -> launcher.launch(AgentRequest.of("feature-x", Workspace.of(worktree), "go", AgentListener.ignoring())));

        assertMentions(e.getMessage(), "no-such-gemini", "npm install -g @google/gemini-cli");
    }

    @Test
    void defaultsFindGeminiOnThePathBelowClaudeCode() {
        GeminiLauncher launcher = new GeminiLauncher();
        assertEquals("gemini", launcher.name());
        assertTrue(launcher.priority() < 100);
        assertEquals("gemini", launcher.command(AgentRequest.of("s", Workspace.of(worktree), "p", AgentListener.ignoring())).get(0));
    }
}
