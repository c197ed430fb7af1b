package dev.agentorchestrator.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.spi.AgentExit;
import dev.agentorchestrator.spi.AgentExit.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the JSON Lines of {@code codex exec --json} (the {@code ThreadEvent}s of Codex's
 * {@code codex-rs/exec/src/exec_events.rs}, documented in its {@code docs/exec.md}).
 *
 * <table>
 *   <caption>Codex events and what they become</caption>
 *   <tr><th>Codex</th><th>AgentEvent</th></tr>
 *   <tr><td>{@code thread.started} ({@code thread_id})</td><td>{@link AgentEvent.Started}</td></tr>
 *   <tr><td>{@code item.completed} {@code agent_message}</td><td>{@link AgentEvent.AssistantText}</td></tr>
 *   <tr><td>{@code command_execution}, {@code file_change}, {@code mcp_tool_call}, {@code web_search}</td>
 *       <td>{@link AgentEvent.ToolUse} when started, {@link AgentEvent.ToolResult} when completed;
 *       a {@code declined} command is {@link AgentEvent.PermissionDenied}</td></tr>
 *   <tr><td>{@code todo_list}</td><td>{@link AgentEvent.Progress}</td></tr>
 *   <tr><td>{@code request_user_input}</td><td>{@link AgentEvent.Question}</td></tr>
 *   <tr><td>{@code turn.completed} / {@code turn.failed}</td><td>{@link AgentEvent.TurnFinished}</td></tr>
 *   <tr><td>{@code error}, {@code reasoning}, other items, unknown types</td><td>{@link AgentEvent.Raw}</td></tr>
 * </table>
 *
 * <p>The run is {@link Outcome#FAILED} when a turn failed, when Codex exited non-zero, or when it
 * ended without {@code turn.completed} (the last {@code error} or stderr lines say why);
 * {@link Outcome#WAITING_FOR_INPUT} when it asked for input or a command was declined;
 * otherwise {@link Outcome#DONE}. An {@code error} followed by {@code turn.completed} (Codex
 * reports stream reconnects that way) does not fail the run.
 */
final class CodexJsonInterpreter implements OutputInterpreter {
    private static final Logger log = LoggerFactory.getLogger(CodexJsonInterpreter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Set<String> announcedTools = new HashSet<>();
    private final List<String> denials = new ArrayList<>();
    private String lastAgentMessage = "";
    private String lastError;
    private String turnFailure;
    private String question;
    private boolean turnCompleted;

    @Override
    public void onStdout(String line, Consumer<AgentEvent> emit) {
        Optional<ObjectNode> parsed = JsonLines.parseObject(line, log, "codex");
        if (parsed.isEmpty()) {
            return;
        }
        ObjectNode event = parsed.get();
        String type = event.path("type").asText("");
        switch (type) {
            case "thread.started" -> emit.accept(new AgentEvent.Started(event.path("thread_id").asText(""), Optional.empty(), List.of()));
            case "turn.started" -> {
                turnCompleted = false;
                turnFailure = null;
                lastError = null;
            }
            case "turn.completed" -> {
                turnCompleted = true;
                emit.accept(new AgentEvent.TurnFinished(false, lastAgentMessage, 0.0, 1, Duration.ZERO, OptionalInt.empty(), denials));
            }
            case "turn.failed" -> {
                turnFailure = event.path("error").path("message").asText("the turn failed");
                emit.accept(new AgentEvent.TurnFinished(true, turnFailure, 0.0, 1, Duration.ZERO, OptionalInt.empty(), denials));
            }
            case "error" -> {
                lastError = event.path("message").asText("error");
                emit.accept(new AgentEvent.Raw(type, line));
            }
            case "item.started", "item.updated", "item.completed" -> onItem(type, event.path("item"), line, emit);
            case "request_user_input" -> {
                question = questions(event);
                emit.accept(new AgentEvent.Question(question));
            }
            case "item.plan.delta" -> {
                // fragments of a plan item that also arrives whole in item.completed
            }
            default -> emit.accept(new AgentEvent.Raw(type.isEmpty() ? "unknown" : type, line));
        }
    }

    private void onItem(String phase, JsonNode item, String line, Consumer<AgentEvent> emit) {
        String id = item.path("id").asText("");
        String itemType = item.path("type").asText("");
        boolean completed = phase.equals("item.completed");
        switch (itemType) {
            case "agent_message" -> {
                if (completed) {
                    lastAgentMessage = item.path("text").asText("");
                    emit.accept(new AgentEvent.AssistantText(lastAgentMessage));
                }
            }
            case "todo_list" -> emit.accept(progress(item));
            case "command_execution" -> {
                String command = item.path("command").asText("");
                if (completed && "declined".equals(item.path("status").asText())) {
                    denials.add("command_execution");
                    emit.accept(new AgentEvent.PermissionDenied("command_execution", id, command));
                    return;
                }
                announce(id, itemType, json("command", command), command, emit);
                if (completed) {
                    boolean failed = "failed".equals(item.path("status").asText())
                            || (item.hasNonNull("exit_code") && item.path("exit_code").asInt() != 0);
                    emit.accept(new AgentEvent.ToolResult(id, failed, item.path("aggregated_output").asText("")));
                }
            }
            case "file_change" -> {
                String summary = fileChanges(item);
                announce(id, itemType, item.path("changes").toString(), summary, emit);
                if (completed) {
                    emit.accept(new AgentEvent.ToolResult(id, "failed".equals(item.path("status").asText()), summary));
                }
            }
            case "mcp_tool_call" -> {
                String tool = item.path("server").asText("") + "." + item.path("tool").asText("");
                announce(id, tool, item.path("arguments").toString(), tool, emit);
                if (completed) {
                    boolean failed = "failed".equals(item.path("status").asText()) || item.hasNonNull("error");
                    String content = failed ? item.path("error").path("message").asText("failed") : item.path("result").toString();
                    emit.accept(new AgentEvent.ToolResult(id, failed, content));
                }
            }
            case "web_search" -> {
                String query = item.path("query").asText("");
                announce(id, itemType, json("query", query), query, emit);
                if (completed) {
                    emit.accept(new AgentEvent.ToolResult(id, false, query));
                }
            }
            default -> {
                // reasoning, plan, error items and kinds added later: kept whole, once, when complete
                if (completed) {
                    emit.accept(new AgentEvent.Raw("item." + (itemType.isEmpty() ? "unknown" : itemType), line));
                }
            }
        }
    }

    /** Emits the ToolUse once per item: file changes only ever arrive completed. */
    private void announce(String id, String tool, String inputJson, String summary, Consumer<AgentEvent> emit) {
        if (announcedTools.add(id)) {
            emit.accept(new AgentEvent.ToolUse(id, tool, inputJson, summary));
        }
    }

    private static AgentEvent.Progress progress(JsonNode item) {
        int total = 0;
        int done = 0;
        String current = "";
        for (JsonNode todo : item.path("items")) {
            total++;
            if (todo.path("completed").asBoolean(false)) {
                done++;
            } else if (current.isEmpty()) {
                current = todo.path("text").asText("");
            }
        }
        return new AgentEvent.Progress(done, total, current);
    }

    private static String fileChanges(JsonNode item) {
        List<String> parts = new ArrayList<>();
        for (JsonNode change : item.path("changes")) {
            parts.add(change.path("kind").asText("update") + " " + change.path("path").asText(""));
        }
        return String.join(", ", parts);
    }

    private static String questions(JsonNode event) {
        List<String> texts = new ArrayList<>();
        for (JsonNode q : event.path("questions")) {
            texts.add(q.path("question").asText(q.path("header").asText("")));
        }
        return texts.isEmpty() ? "Codex asked for input" : texts.stream().collect(Collectors.joining("\n"));
    }

    private static String json(String field, String value) {
        ObjectNode node = JSON.createObjectNode();
        node.put(field, value);
        return node.toString();
    }

    @Override
    public AgentExit finish(ProcessExit exit) {
        if (turnFailure != null) {
            return exit.failed(turnFailure);
        }
        if (exit.exitCode() != 0) {
            return exit.exitedWithCode("codex", why(exit));
        }
        if (question != null) {
            return exit.waitingForInput(question);
        }
        if (!turnCompleted) {
            return exit.failed("codex ended without completing its turn: " + why(exit));
        }
        if (!denials.isEmpty()) {
            return exit.waitingForInput("codex was refused " + denials.size() + " command(s); widen its sandbox or approve them");
        }
        return exit.done();
    }

    private String why(ProcessExit exit) {
        return lastError != null ? lastError : exit.lastErrorLinesOr(5, "it reported no error");
    }
}
