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
import dev.agentorchestrator.spi.AgentExit.Outcome;
import dev.agentorchestrator.spi.AgentListener;
import dev.agentorchestrator.spi.AgentRequest;
import dev.agentorchestrator.spi.Workspace;
import dev.agentorchestrator.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AiderLauncherTest {
    private static final List<String> FIXED_OPTIONS =
            List.of("--yes-always", "--no-pretty", "--no-stream", "--no-check-update", "--no-analytics");

    @TempDir
    Path tmp;
    Path worktree;
    CommandStandIn aider;

    @BeforeEach
    void setUp() throws Exception {
        worktree = Files.createDirectories(tmp.resolve("worktree"));
        aider = CommandStandIn.create(tmp, "aider");
    }

    private AiderLauncher launcher() {
        return AiderLauncher.builder().executable(aider.path()).build();
    }

    private static List<String> args(List<String> head, List<String> tail) {
        List<String> all = new java.util.ArrayList<>(head);
        all.addAll(FIXED_OPTIONS);
        all.addAll(tail);
        return all;
    }

    @Test
    void defaultCommandLineIsNonInteractiveMessageMode() throws Exception {
        aider.printingResource("aider/success.txt");

        CommandStandIn.run(launcher(), worktree, "Add a greet function");

        assertEquals(args(List.of("--message", "Add a greet function"), List.of()), aider.argv());
        assertEquals(worktree.toRealPath(), aider.workingDirectory());
    }

    @Test
    void everyOptionAppearsOnTheCommandLineWithFilesLast() {
        aider.printingResource("aider/success.txt");
        AiderLauncher launcher = launcher().newBuilder().model("sonnet").autoCommits(false).chatHistoryFile(".history.md")
                .extraArgs("--edit-format", "diff").files("hello.py", "README.md").environment("ANTHROPIC_API_KEY", "test-key").build();

        CommandStandIn.run(launcher, worktree, "go");

        assertEquals(args(List.of("--message", "go"), List.of("--model", "sonnet", "--no-auto-commits",
                "--chat-history-file", ".history.md", "--edit-format", "diff", "hello.py", "README.md")), aider.argv());
        assertEquals("test-key", aider.environment().get("ANTHROPIC_API_KEY"));
    }

    @Test
    void resumeRestoresTheChatHistory() {
        aider.printingResource("aider/success.txt");

        CommandStandIn.run(launcher(), worktree, "Now add tests", Optional.of(AiderLauncher.DEFAULT_CHAT_HISTORY_FILE), Map.of());

        assertEquals(args(List.of("--message", "Now add tests"), List.of("--restore-chat-history")), aider.argv());
    }

    @Test
    void editsAndCommitsBecomeToolEventsAndTheRunIsDone() {
        aider.printingResource("aider/success.txt");

        Run run = CommandStandIn.run(launcher(), worktree, "Add a greet function");

        assertEquals(Outcome.DONE, run.exit().outcome());
        List<AgentEvent> events = run.events();
        assertEquals(new AgentEvent.Started(".aider.chat.history.md", Optional.of("anthropic/claude-sonnet-4-20250514"), List.of()),
                events.get(0));
        List<String> text = run.recorder().all(AgentEvent.AssistantText.class).stream().map(AgentEvent.AssistantText::text).toList();
        assertEquals(List.of("I'll add a greeting function to hello.py.", "hello.py", "<<<<<<< SEARCH", "=======",
                "def greet(name):", "return f\"Hello, {name}!\"", ">>>>>>> REPLACE"), text);
        AgentEvent.Raw usage = run.recorder().only(AgentEvent.Raw.class);
        assertEquals("aider.usage", usage.type());
        assertMentions(usage.json(), "\"messageCostUsd\":0.0088", "\"sessionCostUsd\":0.0088");
        List<AgentEvent.ToolUse> tools = run.recorder().all(AgentEvent.ToolUse.class);
        assertEquals(List.of(new AgentEvent.ToolUse("aider-1", "Edit", "{\"file_path\":\"hello.py\"}", "hello.py"),
                new AgentEvent.ToolUse("aider-2", "git commit", "{\"sha\":\"1a2b3c4\",\"message\":\"feat: Add greet function\"}",
                        "1a2b3c4 feat: Add greet function")), tools);
        assertEquals(List.of(new AgentEvent.ToolResult("aider-1", false, "Applied edit to hello.py"),
                new AgentEvent.ToolResult("aider-2", false, "Commit 1a2b3c4 feat: Add greet function")),
                run.recorder().all(AgentEvent.ToolResult.class));
    }

    @Test
    void anApiErrorFailsTheRunEvenThoughAiderExitsZero() {
        aider.printingResource("aider/api-error.txt");

        Run run = CommandStandIn.run(launcher(), worktree, "go");

        assertEquals(0, run.exit().exitCode());
        assertEquals(Outcome.FAILED, run.exit().outcome());
        assertEquals("The API provider is not able to authenticate you. Check your API key.", run.exit().message());
        assertTrue(run.recorder().all(AgentEvent.AssistantText.class).isEmpty(), "the confirmation line is not an answer");
    }

    @Test
    void aNonZeroExitFailsWithStderr() {
        aider.printingOnStderr("Traceback (most recent call last):", "ModuleNotFoundError: No module named 'litellm'").exitingWith(1);

        Run run = CommandStandIn.run(launcher(), worktree, "go");

        assertEquals(Outcome.FAILED, run.exit().outcome());
        assertEquals("aider exited with code 1: Traceback (most recent call last): | ModuleNotFoundError: No module named 'litellm'",
                run.exit().message());
    }

    @Test
    void anAnswerThatEndsInAQuestionWithoutEditsLeavesTheRunWaiting() {
        aider.printingResource("aider/question.txt");

        Run run = CommandStandIn.run(launcher(), worktree, "Add a greeting");

        assertEquals(Outcome.WAITING_FOR_INPUT, run.exit().outcome());
        assertEquals("Before I change anything: should the greeting be in English or in French?", run.exit().message());
    }

    @Test
    void aPromptWithShellSyntaxArrivesByteForByte() {
        aider.printingResource("aider/success.txt");

        CommandStandIn.run(launcher(), worktree, TRICKY_PROMPT);

        assertEquals("--message", aider.argv().get(0));
        assertArrayEquals(TRICKY_PROMPT.getBytes(StandardCharsets.UTF_8), aider.argumentBytes(1));
    }

    @Test
    void aPromptTooLongForAnArgumentGoesThroughAMessageFileThatIsDeletedAfterwards() throws Exception {
        // The stand-in copies the message file aside, as aider reads it, so the test can compare it.
        aider.printingResource("aider/success.txt");
        Path script = aider.executable;
        String original = Files.readString(script);
        Files.writeString(script, original.replace("echo $$ > \"$here/pid\"",
                "echo $$ > \"$here/pid\"\n[ \"$1\" = --message-file ] && cp \"$2\" \"$here/message-copy\""));
        String prompt = CommandStandIn.longPrompt(130_000);

        Run run = CommandStandIn.run(launcher(), worktree, prompt);

        assertEquals(Outcome.DONE, run.exit().outcome());
        List<String> argv = aider.argv();
        assertEquals("--message-file", argv.get(0));
        assertEquals(args(List.of("--message-file", argv.get(1)), List.of()), argv);
        assertArrayEquals(prompt.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(aider.dir.resolve("message-copy")));
        Path messageFile = Path.of(argv.get(1));
        Await.until("the message file to be deleted", CommandStandIn.TIMEOUT, () -> !Files.exists(messageFile));
        assertFalse(Files.exists(messageFile));
    }

    @Test
    void stopEndsTheAgentAndTheProcessesItStarted() {
        assertEquals(Outcome.STOPPED, CommandStandIn.stopKillsTree(launcher(), aider, worktree).outcome());
    }

    @Test
    void aMissingExecutableIsALaunchErrorNamingItAndHowToInstall() {
        AiderLauncher launcher = AiderLauncher.builder().executable(tmp.resolve("no-such-aider").toString()).build();

        AgentLaunchException e = assertThrows(AgentLaunchException.class,
                () -> launcher.launch(AgentRequest.of("feature-x", Workspace.of(worktree), "go", AgentListener.ignoring())));

        assertMentions(e.getMessage(), "no-such-aider", "aider-install");
    }

    @Test
    void aMissingExecutableWithALongPromptLeavesNoMessageFileBehind() throws Exception {
        Path tempDir = Path.of(System.getProperty("java.io.tmpdir"));
        long before = countMessageFiles(tempDir);
        AiderLauncher launcher = AiderLauncher.builder().executable(tmp.resolve("no-such-aider").toString()).build();

        assertThrows(AgentLaunchException.class, () -> launcher.launch(
                AgentRequest.of("feature-x", Workspace.of(worktree), CommandStandIn.longPrompt(110_000), AgentListener.ignoring())));

        assertTrue(countMessageFiles(tempDir) <= before, "the message file of a failed launch is deleted");
    }

    private static long countMessageFiles(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("aider-message-")).count();
        }
    }

    @Test
    void defaultsFindAiderOnThePathBelowClaudeCode() {
        AiderLauncher launcher = new AiderLauncher();
        assertEquals("aider", launcher.name());
        assertTrue(launcher.priority() < 100);
    }
}
