package dev.agentorchestrator.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.spi.AgentExit;
import dev.agentorchestrator.spi.AgentExit.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The interpreter on lines the real CLI printed (captured by {@link ClaudeCodeRealCliTest} and kept
 * under {@code src/test/resources/claude/}), plus lines it must survive.
 */
class ClaudeStreamJsonInterpreterTest {

    private final ClaudeStreamJsonInterpreter interpreter = new ClaudeStreamJsonInterpreter();
    private final List<AgentEvent> events = new ArrayList<>();

    @Test
    void readsAWholeRunOfToolCalls() {
        feed(sample("write-edit-bash.jsonl"));

        AgentEvent.Started started = single(AgentEvent.Started.class);
        assertTrue(started.agentSessionId().matches("[0-9a-f-]{36}"));
        assertEquals(Optional.of("claude-opus-5-5"), started.model());
        assertTrue(started.tools().containsAll(List.of("Bash", "Edit", "Write", "Read")), started.tools().toString());
        assertEquals(interpreter.sessionId(), Optional.of(started.agentSessionId()));

        List<AgentEvent.ToolUse> tools = of(AgentEvent.ToolUse.class);
        assertEquals(List.of("Write", "Read", "Edit", "Bash"), tools.stream().map(AgentEvent.ToolUse::tool).toList());
        assertEquals("notes/todo.txt", tools.get(0).summary());
        assertTrue(tools.get(2).summary().endsWith("/repo/README.md"), tools.get(2).summary());
        assertEquals("touch made-by-bash.txt", tools.get(3).summary());
        assertTrue(tools.get(0).inputJson().contains("\"content\":\"buy milk\\n\""), tools.get(0).inputJson());
        assertTrue(tools.get(0).id().startsWith("toolu_"));

        List<AgentEvent.ToolResult> results = of(AgentEvent.ToolResult.class);
        assertEquals(tools.stream().map(AgentEvent.ToolUse::id).toList(), results.stream().map(AgentEvent.ToolResult::toolUseId).toList());
        assertTrue(results.stream().noneMatch(AgentEvent.ToolResult::error));
        assertTrue(results.get(0).content().startsWith("File created successfully"), results.get(0).content());

        assertEquals(List.of("I will write the notes first.", "All three changes are made."),
                of(AgentEvent.AssistantText.class).stream().map(AgentEvent.AssistantText::text).toList());
        AgentEvent.TurnFinished finished = single(AgentEvent.TurnFinished.class);
        assertFalse(finished.error());
        assertEquals("All three changes are made.", finished.text());
        assertEquals(5, finished.turns());
        assertTrue(finished.costUsd() > 0);
        assertTrue(finished.duration().toMillis() > 0);
        assertTrue(finished.apiErrorStatus().isEmpty());
        assertEquals(events.size() - 1, events.indexOf(finished), "the result comes last");

        assertEquals(new AgentExit(Outcome.DONE, 0, "", Duration.ofSeconds(3)), interpreter.finish(new ProcessExit(0, Duration.ofSeconds(3), List.of())));
    }

    @Test
    void permissionDenialIsReportedOnceAndLeavesTheRunWaiting() {
        feed(sample("permission-denied.jsonl"));

        // Seen live as system/permission_denied and again in the result's list: one event.
        AgentEvent.PermissionDenied denied = single(AgentEvent.PermissionDenied.class);
        assertEquals("Bash", denied.tool());
        assertTrue(denied.detail().contains("needs approval"), denied.detail());
        assertTrue(events.indexOf(denied) < events.indexOf(single(AgentEvent.TurnFinished.class)));
        assertEquals(List.of("Bash"), single(AgentEvent.TurnFinished.class).permissionDenials());
        assertTrue(single(AgentEvent.ToolResult.class).error());

        AgentExit exit = interpreter.finish(new ProcessExit(0, Duration.ZERO, List.of()));
        assertEquals(Outcome.WAITING_FOR_INPUT, exit.outcome());
        assertTrue(exit.message().startsWith("needs permission: Bash ("), exit.message());
    }

    @Test
    void apiErrorFailsTheRunWithTheErrorText() {
        feed(sample("api-error-529.jsonl"));

        AgentEvent.TurnFinished finished = single(AgentEvent.TurnFinished.class);
        assertTrue(finished.error());
        assertEquals(529, finished.apiErrorStatus().getAsInt());
        assertTrue(of(AgentEvent.AssistantText.class).isEmpty(), "the CLI's made-up error message is not the agent speaking");
        assertEquals(1, of(AgentEvent.Raw.class).stream().filter(r -> r.type().equals("assistant/api_error")).count());

        AgentExit exit = interpreter.finish(new ProcessExit(1, Duration.ZERO, List.of()));
        assertEquals(Outcome.FAILED, exit.outcome());
        assertTrue(exit.message().startsWith("API Error: 529 scripted failure 529"), exit.message());
    }

    @Test
    void taskToolsBecomeProgress() {
        feed(sample("task-progress.jsonl"));

        List<AgentEvent.Progress> progress = of(AgentEvent.Progress.class);
        assertEquals(List.of(
                new AgentEvent.Progress(0, 1, ""),
                new AgentEvent.Progress(0, 2, ""),
                new AgentEvent.Progress(1, 2, ""),
                new AgentEvent.Progress(1, 2, "Testing the parser")), progress);
    }

    @Test
    void todoWriteListBecomesProgress() {
        // Claude Code 2.1 offers TaskCreate/TaskUpdate instead; earlier versions (and some models) use TodoWrite.
        feed(List.of("{\"type\":\"assistant\",\"message\":{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\","
                + "\"id\":\"toolu_1\",\"name\":\"TodoWrite\",\"input\":{\"todos\":["
                + "{\"content\":\"Parse\",\"status\":\"completed\",\"activeForm\":\"Parsing\"},"
                + "{\"content\":\"Test\",\"status\":\"in_progress\",\"activeForm\":\"Testing\"},"
                + "{\"content\":\"Ship\",\"status\":\"pending\",\"activeForm\":\"Shipping\"}]}}]}}"));

        assertEquals(new AgentEvent.Progress(1, 3, "Testing"), single(AgentEvent.Progress.class));
        assertEquals("", single(AgentEvent.ToolUse.class).summary());
    }

    @Test
    void unknownEventsAreKeptRawAndGarbledLinesSkipped() {
        List<String> lines = new ArrayList<>(sample("write-edit-bash.jsonl"));
        lines.add(1, "this is not json {");
        lines.add(2, "");
        lines.add(3, "[1,2,3]");
        lines.add(4, "{\"type\":\"stream_event\",\"event\":{\"type\":\"ping\"}}");
        lines.add(5, "{\"type\":\"system\",\"subtype\":\"task_started\",\"task_id\":\"b1\"}");
        lines.add(6, "{\"no_type\":true}");
        lines.add(7, "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"thinking\",\"thinking\":\"hmm\"}]}}");

        feed(lines);

        assertEquals(List.of("stream_event", "system/task_started", "unknown", "assistant/thinking"),
                of(AgentEvent.Raw.class).stream().map(AgentEvent.Raw::type).toList());
        assertEquals(4, of(AgentEvent.ToolUse.class).size(), "the run around the bad lines is still read");
        assertEquals(Outcome.DONE, interpreter.finish(new ProcessExit(0, Duration.ZERO, List.of())).outcome());
    }

    @Test
    void finalQuestionLeavesTheRunWaiting() {
        feed(List.of(result("I added the endpoint.\n\nShould I also add tests for the error cases?**", false)));

        assertEquals("Should I also add tests for the error cases?**", single(AgentEvent.Question.class).text());
        AgentExit exit = interpreter.finish(new ProcessExit(0, Duration.ZERO, List.of()));
        assertEquals(Outcome.WAITING_FOR_INPUT, exit.outcome());
        assertEquals("Should I also add tests for the error cases?**", exit.message());
    }

    @Test
    void questionFollowedByMoreTextDoesNotWait() {
        feed(List.of(result("Why did it fail? The path was wrong. I fixed it.", false)));

        assertTrue(of(AgentEvent.Question.class).isEmpty());
        assertEquals(Outcome.DONE, interpreter.finish(new ProcessExit(0, Duration.ZERO, List.of())).outcome());
    }

    @Test
    void noResultOrNonZeroExitFailsWithTheLastErrorOutput() {
        AgentExit exit = interpreter.finish(new ProcessExit(1, Duration.ZERO, List.of("Error: Invalid API key")));
        assertEquals(Outcome.FAILED, exit.outcome());
        assertTrue(exit.message().contains("without reporting a result"), exit.message());
        assertTrue(exit.message().contains("Error: Invalid API key"), exit.message());

        ClaudeStreamJsonInterpreter other = new ClaudeStreamJsonInterpreter();
        other.onStdout(result("fine", false), events::add);
        assertEquals(Outcome.FAILED, other.finish(new ProcessExit(3, Duration.ZERO, List.of())).outcome());
    }

    @Test
    void longToolResultsAreShortened() {
        String big = "x".repeat(10_000);
        feed(List.of("{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
                + "\"tool_use_id\":\"toolu_9\",\"content\":[{\"type\":\"text\",\"text\":\"" + big + "\"},{\"type\":\"image\"}]}]}}"));

        String content = single(AgentEvent.ToolResult.class).content();
        assertTrue(content.length() < 4_100, "length " + content.length());
        assertTrue(content.endsWith("more characters)"), content.substring(content.length() - 40));
    }

    // --- helpers ---

    private static String result(String text, boolean error) {
        return "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":" + error + ",\"num_turns\":1,"
                + "\"duration_ms\":10,\"total_cost_usd\":0.01,\"result\":" + quote(text) + ",\"permission_denials\":[]}";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private void feed(List<String> lines) {
        for (String line : lines) {
            interpreter.onStdout(line, events::add);
        }
    }

    private <T extends AgentEvent> List<T> of(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private <T extends AgentEvent> T single(Class<T> type) {
        List<T> found = of(type);
        assertEquals(1, found.size(), type.getSimpleName() + " in " + events);
        return found.get(0);
    }

    static List<String> sample(String name) {
        try (InputStream in = ClaudeStreamJsonInterpreterTest.class.getResourceAsStream("/claude/" + name)) {
            if (in == null) {
                throw new IllegalStateException("test resource /claude/" + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
