package dev.agentorchestrator.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.spi.AgentExit;
import dev.agentorchestrator.spi.AgentExit.Outcome;
import dev.agentorchestrator.spi.AgentListener;
import dev.agentorchestrator.spi.AgentProcess;
import dev.agentorchestrator.spi.AgentRequest;
import dev.agentorchestrator.spi.Workspace;
import dev.agentorchestrator.testing.ClaudeCodeExecutable;
import dev.agentorchestrator.testing.FakeAnthropicApi;
import dev.agentorchestrator.testing.FakeAnthropicApi.Block;
import dev.agentorchestrator.testing.FakeAnthropicApi.RecordedRequest;
import dev.agentorchestrator.testing.FakeAnthropicApi.Reply;
import dev.agentorchestrator.testing.TestRepos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real Claude Code CLI, run by {@link ClaudeCodeLauncher} in a real git repository, talking to
 * {@link FakeAnthropicApi} on loopback. Each test has its own {@code HOME} and
 * {@code CLAUDE_CONFIG_DIR}, so the user's own configuration is never read or written.
 *
 * <p>Set {@code -Dclaude.capture.dir=DIR} to keep each run's stdout there; that is how the samples
 * under {@code src/test/resources/claude/} were made.
 */
class ClaudeCodeRealCliTest {

    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    private Path claude;
    private FakeAnthropicApi api;
    private Path repo;
    private Map<String, String> env;
    private String testName;

    @BeforeEach
    void setUp(TestInfo info) throws IOException {
        claude = ClaudeCodeExecutable.requireOrSkip();
        api = FakeAnthropicApi.start();
        repo = TestRepos.withFiles(temp.resolve("repo"), Map.of(
                "README.md", "# Demo\nhello world\n",
                "long-task.sh", "sleep 300\n"));
        Path home = Files.createDirectories(temp.resolve("home"));
        env = new HashMap<>(api.environment());
        env.put("HOME", home.toString());
        env.put("CLAUDE_CONFIG_DIR", home.resolve(".claude").toString());
        String method = info.getTestMethod().map(m -> m.getName()).orElse("run");
        testName = info.getDisplayName().startsWith(method) ? method : method + "-" + info.getDisplayName().replaceAll("\\W+", "-");
    }

    @AfterEach
    void tearDown() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void writesEditsAndRunsCommandsItIsToldTo() throws Exception {
        api.enqueue(
                Reply.blocks(Block.text("I will write the notes first."),
                        Block.toolUse("Write", "{\"file_path\":\"notes/todo.txt\",\"content\":\"buy milk\\n\"}")),
                // Claude Code refuses to edit a file it has not read in this conversation.
                Reply.toolUse("Read", "{\"file_path\":\"" + repo.resolve("README.md") + "\"}"),
                Reply.toolUse("Edit", "{\"file_path\":\"" + repo.resolve("README.md")
                        + "\",\"old_string\":\"hello world\",\"new_string\":\"hello agent\"}"),
                Reply.toolUse("Bash", "{\"command\":\"touch made-by-bash.txt\",\"description\":\"Create a marker file\"}"),
                Reply.text("All three changes are made."));
        ClaudeCodeLauncher launcher = launcher().allowedTools("Write", "Edit", "Bash(touch:*)")
                .appendSystemPrompt("Always answer in the voice of a test fixture.").build();

        Run run = run(launcher, AgentRequest.of("files", Workspace.of(repo), "Write notes, edit the README, touch a marker", ignoring()));

        assertEquals(Outcome.DONE, run.exit.outcome(), run.describe());
        assertEquals("buy milk\n", Files.readString(repo.resolve("notes/todo.txt")));
        assertEquals("# Demo\nhello agent\n", Files.readString(repo.resolve("README.md")));
        assertTrue(Files.exists(repo.resolve("made-by-bash.txt")), run.describe());
        assertEquals(List.of("Write", "Read", "Edit", "Bash"), run.events(AgentEvent.ToolUse.class).stream().map(AgentEvent.ToolUse::tool).toList());
        assertEquals("touch made-by-bash.txt", run.events(AgentEvent.ToolUse.class).get(3).summary());
        assertTrue(run.events(AgentEvent.ToolResult.class).stream().noneMatch(AgentEvent.ToolResult::error), run.describe());
        assertEquals(List.of("I will write the notes first.", "All three changes are made."),
                run.events(AgentEvent.AssistantText.class).stream().map(AgentEvent.AssistantText::text).toList());
        AgentEvent.TurnFinished finished = run.single(AgentEvent.TurnFinished.class);
        assertEquals(5, finished.turns());
        assertTrue(finished.costUsd() > 0, "cost is reported: " + finished);
        String sessionId = run.single(AgentEvent.Started.class).agentSessionId();
        assertTrue(sessionId.matches("[0-9a-f-]{36}"), sessionId);
        // The CLI names its session in every call's metadata, and sent the extra system prompt.
        RecordedRequest first = api.conversationRequests().get(0);
        assertTrue(first.body().path("metadata").path("user_id").asText().contains(sessionId), first.body().path("metadata").toString());
        assertTrue(first.allText().contains("Always answer in the voice of a test fixture."));
        assertEquals(0, api.unscriptedCalls());
    }

    @Test
    void followUpPromptResumesTheConversation() throws Exception {
        api.enqueue(Reply.text("Noted: the code word is PINEAPPLE."), Reply.text("The code word was PINEAPPLE."));
        ClaudeCodeLauncher launcher = launcher().build();
        AgentRequest first = AgentRequest.of("resume", Workspace.of(repo), "Remember the code word PINEAPPLE.", ignoring());

        Run one = run(launcher, first);
        String sessionId = one.single(AgentEvent.Started.class).agentSessionId();
        Run two = run(launcher, first.resuming(sessionId, "Which code word did I give you?"));

        assertEquals(Outcome.DONE, two.exit.outcome(), two.describe());
        assertEquals(sessionId, two.single(AgentEvent.Started.class).agentSessionId(), "a resumed run keeps the session id");
        List<RecordedRequest> calls = api.conversationRequests();
        assertEquals(2, calls.size());
        String resumedConversation = calls.get(1).allText();
        assertTrue(resumedConversation.contains("Remember the code word PINEAPPLE."), "the earlier prompt is sent again");
        assertTrue(resumedConversation.contains("Noted: the code word is PINEAPPLE."), "the earlier answer is sent again");
        assertTrue(resumedConversation.contains("Which code word did I give you?"));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {500, 529})
    void modelApiErrorFailsTheRunWithTheMessage(int status) throws Exception {
        api.enqueue(Reply.error(status, "scripted failure " + status));

        Run run = run(launcher().build(), AgentRequest.of("error", Workspace.of(repo), "Do something", ignoring()));

        assertEquals(Outcome.FAILED, run.exit.outcome(), run.describe());
        assertTrue(run.exit.message().contains(String.valueOf(status)), run.exit.message());
        assertTrue(run.exit.message().contains("scripted failure " + status), run.exit.message());
        AgentEvent.TurnFinished finished = run.single(AgentEvent.TurnFinished.class);
        assertTrue(finished.error());
        assertEquals(status, finished.apiErrorStatus().orElse(0));
        assertTrue(run.events(AgentEvent.AssistantText.class).isEmpty(), "the CLI's made-up error message is not the agent's text");
    }

    @Test
    void refusedToolLeavesTheRunWaitingForInput() throws Exception {
        api.enqueue(Reply.toolUse("Bash", "{\"command\":\"touch forbidden.txt\",\"description\":\"Make a file\"}"),
                Reply.text("I was not allowed to run the command."));

        Run run = run(launcher().allowedTools("Write").build(), AgentRequest.of("denied", Workspace.of(repo), "Touch forbidden.txt", ignoring()));

        assertEquals(Outcome.WAITING_FOR_INPUT, run.exit.outcome(), run.describe());
        AgentEvent.PermissionDenied denied = run.single(AgentEvent.PermissionDenied.class);
        assertEquals("Bash", denied.tool());
        assertFalse(denied.toolUseId().isBlank());
        assertTrue(run.exit.message().contains("Bash"), run.exit.message());
        assertEquals(List.of("Bash"), run.single(AgentEvent.TurnFinished.class).permissionDenials());
        assertFalse(Files.exists(repo.resolve("forbidden.txt")));
    }

    @Test
    void stoppingALongSessionKillsItsWholeProcessTree() throws Exception {
        api.enqueue(Reply.toolUse("Bash", "{\"command\":\"sh long-task.sh\",\"description\":\"Run the long task\"}"));
        AgentProcess process = launcher().allowedTools("Bash(sh long-task.sh)").build()
                .launch(new AgentRequest("stop", Workspace.of(repo), "Run the long task", Optional.empty(), env, ignoring()));
        ProcessHandle root = ProcessHandle.of(LocalAgentHandle.parse(process.handle()).orElseThrow().pid()).orElseThrow();
        await(Duration.ofSeconds(30), "the agent's tool starts 'sleep 300'", () -> root.descendants()
                .anyMatch(p -> p.info().commandLine().orElse("").contains("sleep 300")));
        List<ProcessHandle> tree = root.descendants().toList();

        process.stop(Duration.ofSeconds(2));

        AgentExit exit = process.exit().get(10, TimeUnit.SECONDS);
        assertEquals(Outcome.STOPPED, exit.outcome());
        assertFalse(root.isAlive(), "claude itself ended");
        for (ProcessHandle p : tree) {
            assertFalse(p.isAlive(), "descendant " + p.pid() + " " + p.info().commandLine().orElse("") + " ended");
        }
    }

    @Test
    void stoppingWhileTheModelHangsEndsTheRun() throws Exception {
        api.enqueue(Reply.hanging());
        AgentProcess process = launcher().build()
                .launch(new AgentRequest("hang", Workspace.of(repo), "Think for a long time", Optional.empty(), env, ignoring()));
        await(Duration.ofSeconds(30), "the CLI calls the model", () -> !api.conversationRequests().isEmpty());

        process.stop(Duration.ofSeconds(2));

        assertEquals(Outcome.STOPPED, process.exit().get(10, TimeUnit.SECONDS).outcome());
        assertTrue(ProcessHandle.of(LocalAgentHandle.parse(process.handle()).orElseThrow().pid()).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void promptLongerThanAnArgumentGoesThroughStandardInput() throws Exception {
        String prompt = "Summarise this:\n" + "lorem ipsum ".repeat(10_000) + "\nEND-OF-LONG-PROMPT";
        assertTrue(prompt.length() > 100_000);
        api.enqueue(Reply.text("It is a long text."));

        Run run = run(launcher().build(), AgentRequest.of("long", Workspace.of(repo), prompt, ignoring()));

        assertEquals(Outcome.DONE, run.exit.outcome(), run.describe());
        assertTrue(api.conversationRequests().get(0).allText().contains("END-OF-LONG-PROMPT"), "the whole prompt reached the model");
    }

    @Test
    void taskListToolsShowAsProgress() throws Exception {
        // Claude Code offers its task tools (deferred, loaded with ToolSearch) for this model.
        api.enqueue(Reply.toolUse("ToolSearch", "{\"query\":\"select:TaskCreate,TaskUpdate\"}"),
                Reply.blocks(Block.toolUse("TaskCreate", "{\"subject\":\"Write the parser\",\"description\":\"d\",\"activeForm\":\"Writing the parser\"}"),
                        Block.toolUse("TaskCreate", "{\"subject\":\"Test the parser\",\"description\":\"d\",\"activeForm\":\"Testing the parser\"}")),
                Reply.toolUse("TaskUpdate", "{\"taskId\":\"1\",\"status\":\"completed\"}"),
                Reply.toolUse("TaskUpdate", "{\"taskId\":\"2\",\"status\":\"in_progress\"}"),
                Reply.text("Half way there."));

        Run run = run(launcher().model("claude-sonnet-4-5").build(), AgentRequest.of("tasks", Workspace.of(repo), "Plan the work", ignoring()));

        assertEquals(Outcome.DONE, run.exit.outcome(), run.describe());
        List<AgentEvent.Progress> progress = run.events(AgentEvent.Progress.class);
        assertEquals(new AgentEvent.Progress(1, 2, "Testing the parser"), progress.get(progress.size() - 1), progress.toString());
        assertTrue(run.events(AgentEvent.ToolResult.class).stream().noneMatch(AgentEvent.ToolResult::error), run.describe());
    }

    // --- helpers ---

    private ClaudeCodeLauncher.Builder launcher() {
        return ClaudeCodeLauncher.builder().executable(claude.toString());
    }

    private static AgentListener ignoring() {
        return AgentListener.ignoring();
    }

    /** Runs to the end with the test's environment, recording everything the listener sees. */
    private Run run(ClaudeCodeLauncher launcher, AgentRequest request) throws Exception {
        Run run = new Run();
        Map<String, String> requestEnv = new HashMap<>(env);
        requestEnv.putAll(request.environment());
        AgentProcess process = launcher.launch(new AgentRequest(request.sessionName(), request.workspace(),
                request.prompt(), request.resumeSessionId(), requestEnv, run));
        try {
            run.exit = process.exit().get(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            if (process.isAlive()) {
                process.stop(Duration.ofSeconds(1));
            }
        }
        capture(run);
        return run;
    }

    private void capture(Run run) throws IOException {
        String dir = System.getProperty("claude.capture.dir");
        if (dir != null) {
            Path file = Files.createDirectories(Path.of(dir)).resolve(testName + "-" + System.nanoTime() + ".jsonl");
            Files.write(file, run.stdout);
        }
    }

    private static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    /** What one run produced. */
    private static final class Run implements AgentListener {
        final List<AgentEvent> events = new CopyOnWriteArrayList<>();
        final List<String> stdout = new CopyOnWriteArrayList<>();
        final List<String> stderr = new CopyOnWriteArrayList<>();
        AgentExit exit;

        @Override
        public void onEvent(AgentEvent event) {
            events.add(event);
        }

        @Override
        public void onOutput(OutputStream stream, String line) {
            (stream == OutputStream.STDOUT ? stdout : stderr).add(line);
        }

        <T extends AgentEvent> List<T> events(Class<T> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends AgentEvent> T single(Class<T> type) {
            List<T> found = events(type);
            assertEquals(1, found.size(), "one " + type.getSimpleName() + " expected; " + describe());
            return found.get(0);
        }

        String describe() {
            return "exit " + exit + "\nevents:\n" + events.stream().map(e -> "  " + abbreviate(e.toString()))
                    .reduce("", (a, b) -> a + b + "\n") + "stderr:\n" + String.join("\n", stderr);
        }

        private static String abbreviate(String s) {
            return s.length() <= 300 ? s : s.substring(0, 300) + "...";
        }
    }
}
