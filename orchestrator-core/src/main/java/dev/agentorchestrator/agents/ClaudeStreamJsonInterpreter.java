package dev.agentorchestrator.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.spi.AgentExit;
import dev.agentorchestrator.spi.AgentExit.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Claude Code's {@code --output-format stream-json --verbose} output, one JSON object a line.
 *
 * <table>
 *   <caption>What each line becomes</caption>
 *   <tr><th>line</th><th>events</th></tr>
 *   <tr><td>{@code system} / {@code init}</td><td>{@link AgentEvent.Started} with the {@code session_id}</td></tr>
 *   <tr><td>{@code assistant}, a {@code text} block</td><td>{@link AgentEvent.AssistantText}</td></tr>
 *   <tr><td>{@code assistant}, a {@code tool_use} block</td><td>{@link AgentEvent.ToolUse}; for the task-list
 *       tools ({@code TodoWrite}, {@code TaskCreate}, {@code TaskUpdate}) also {@link AgentEvent.Progress};
 *       for {@code AskUserQuestion} also {@link AgentEvent.Question}</td></tr>
 *   <tr><td>{@code user}, a {@code tool_result} block</td><td>{@link AgentEvent.ToolResult}</td></tr>
 *   <tr><td>{@code system} / {@code permission_denied}, and each entry of {@code result.permission_denials}
 *       not already reported (by tool call id)</td><td>{@link AgentEvent.PermissionDenied}</td></tr>
 *   <tr><td>{@code result}</td><td>{@link AgentEvent.Question} when its text ends with a question (below),
 *       then {@link AgentEvent.TurnFinished}</td></tr>
 *   <tr><td>anything else, including other {@code system} subtypes and unknown content blocks</td>
 *       <td>{@link AgentEvent.Raw}, typed {@code type} or {@code type/subtype}</td></tr>
 *   <tr><td>a line that is not a JSON object</td><td>nothing; logged and skipped</td></tr>
 * </table>
 *
 * <p>How {@link #finish} judges the run, first match wins:
 * <ol>
 *   <li>{@code STOPPED} when the run was stopped (decided by the process before this interpreter is asked);</li>
 *   <li>{@code FAILED} when there was no {@code result} line, the result has {@code is_error}
 *       (an API error: the message is the CLI's error text, with the HTTP status), or the process
 *       exited non-zero (the message quotes the last lines of standard error);</li>
 *   <li>{@code WAITING_FOR_INPUT} when a tool was refused (the message names it), when the agent
 *       called {@code AskUserQuestion}, or when the final text asks the user something: its last
 *       line, once trailing Markdown emphasis, quotes and closing brackets are removed, ends with a
 *       question mark. Questions earlier in the text are rhetorical as far as this rule goes; only a
 *       question the agent ends its turn on makes it wait;</li>
 *   <li>{@code DONE} otherwise.</li>
 * </ol>
 *
 * <p>Not thread-safe: one instance reads one run, as {@link OutputInterpreter} requires.
 */
public final class ClaudeStreamJsonInterpreter implements OutputInterpreter {

    private static final Logger log = LoggerFactory.getLogger(ClaudeStreamJsonInterpreter.class);
    private static final int STDERR_LINES_KEPT = 20;
    private static final int MAX_TOOL_RESULT_CHARS = 4_000;
    private static final int MAX_SUMMARY_CHARS = 120;
    private static final List<String> SUMMARY_FIELDS = List.of("file_path", "notebook_path", "command", "pattern",
            "url", "query", "description", "subject", "prompt");

    private final ClaudeTaskList taskList = new ClaudeTaskList();
    /** Denials by tool call id, so the live event and the result's list are reported once. */
    private final Map<String, AgentEvent.PermissionDenied> denials = new LinkedHashMap<>();
    private String sessionId;
    private String lastAssistantText = "";
    private String apiErrorText = "";
    private String question;
    private AgentEvent.TurnFinished result;

    /** The agent's conversation id from its {@code init} line, once seen. */
    public Optional<String> sessionId() {
        return Optional.ofNullable(sessionId);
    }

    @Override
    public void onStdout(String line, Consumer<AgentEvent> emit) {
        Optional<ObjectNode> parsed = JsonLines.parseObject(line,
                garbled -> log.warn("Claude Code printed a line that is not a JSON object; skipped: {}", abbreviate(line, 200)));
        if (parsed.isEmpty()) {
            return;
        }
        ObjectNode event = parsed.get();
        String type = event.path("type").asText("");
        String subtype = event.path("subtype").asText("");
        switch (type) {
            case "system" -> onSystem(event, subtype, line, emit);
            case "assistant" -> onAssistant(event, line, emit);
            case "user" -> onUser(event, emit);
            case "result" -> onResult(event, emit);
            default -> emit.accept(new AgentEvent.Raw(type.isEmpty() ? "unknown" : rawType(type, subtype), line));
        }
    }

    private void onSystem(JsonNode event, String subtype, String line, Consumer<AgentEvent> emit) {
        if (subtype.equals("init") && event.hasNonNull("session_id")) {
            sessionId = event.get("session_id").asText();
            List<String> tools = new ArrayList<>();
            event.path("tools").forEach(t -> tools.add(t.asText()));
            Optional<String> model = Optional.ofNullable(event.path("model").textValue()).filter(m -> !m.isBlank());
            emit.accept(new AgentEvent.Started(sessionId, model, tools));
        } else if (subtype.equals("permission_denied")) {
            deny(event.path("tool_name").asText("unknown tool"), event.path("tool_use_id").asText(""),
                    event.path("message").asText(""), emit);
        } else {
            emit.accept(new AgentEvent.Raw(rawType("system", subtype), line));
        }
    }

    private void onAssistant(JsonNode event, String line, Consumer<AgentEvent> emit) {
        if (event.path("is_api_error_message").asBoolean(false)) {
            // A message the CLI made up to report an API error; it is not the model speaking, and
            // the result line that follows carries it as the failure.
            apiErrorText = joinText(event.path("message").path("content"));
            emit.accept(new AgentEvent.Raw("assistant/api_error", line));
            return;
        }
        for (JsonNode block : event.path("message").path("content")) {
            String blockType = block.path("type").asText("");
            switch (blockType) {
                case "text" -> {
                    String text = block.path("text").asText("");
                    if (!text.isBlank()) {
                        lastAssistantText = text;
                        emit.accept(new AgentEvent.AssistantText(text));
                    }
                }
                case "tool_use" -> onToolUse(block, emit);
                default -> emit.accept(new AgentEvent.Raw(rawType("assistant", blockType), block.toString()));
            }
        }
    }

    private void onToolUse(JsonNode block, Consumer<AgentEvent> emit) {
        String id = block.path("id").asText("");
        String tool = block.path("name").asText("unknown tool");
        JsonNode input = block.path("input");
        emit.accept(new AgentEvent.ToolUse(id, tool, input.isMissingNode() ? "{}" : input.toString(), summary(input)));
        taskList.onToolUse(id, tool, input).ifPresent(emit);
        if (tool.equals("AskUserQuestion")) {
            List<String> asked = new ArrayList<>();
            input.path("questions").forEach(q -> asked.add(q.path("question").asText("")));
            question = asked.isEmpty() ? input.path("question").asText("") : String.join("\n", asked);
            emit.accept(new AgentEvent.Question(question));
        }
    }

    private void onUser(JsonNode event, Consumer<AgentEvent> emit) {
        JsonNode content = event.path("message").path("content");
        if (!content.isArray()) {
            return; // a plain user message (a replayed prompt): nothing the agent did
        }
        for (JsonNode block : content) {
            if (!block.path("type").asText("").equals("tool_result")) {
                continue;
            }
            String toolUseId = block.path("tool_use_id").asText("");
            boolean error = block.path("is_error").asBoolean(false);
            emit.accept(new AgentEvent.ToolResult(toolUseId, error,
                    abbreviate(joinText(block.path("content")), MAX_TOOL_RESULT_CHARS)));
            taskList.onToolResult(toolUseId, error, event.path("tool_use_result")).ifPresent(emit);
        }
    }

    private void onResult(JsonNode event, Consumer<AgentEvent> emit) {
        for (JsonNode denial : event.path("permission_denials")) {
            JsonNode input = denial.path("tool_input");
            deny(denial.path("tool_name").asText("unknown tool"), denial.path("tool_use_id").asText(""),
                    input.isMissingNode() ? "" : summary(input), emit);
        }
        boolean error = event.path("is_error").asBoolean(false);
        String text = event.path("result").asText("");
        if (text.isBlank()) {
            // error subtypes (error_max_turns, error_during_execution) carry no result text
            List<String> errors = new ArrayList<>();
            event.path("errors").forEach(e -> errors.add(e.isTextual() ? e.asText() : e.toString()));
            text = errors.isEmpty() ? event.path("subtype").asText("") : String.join("; ", errors);
        }
        JsonNode status = event.path("api_error_status");
        OptionalInt apiStatus = status.canConvertToInt() && status.asInt() > 0 ? OptionalInt.of(status.asInt()) : OptionalInt.empty();
        if (!error) {
            String finalText = event.hasNonNull("result") ? text : lastAssistantText;
            ClaudeQuestions.finalQuestion(finalText).ifPresent(q -> {
                question = q;
                emit.accept(new AgentEvent.Question(q));
            });
        }
        result = new AgentEvent.TurnFinished(error, text, event.path("total_cost_usd").asDouble(0),
                event.path("num_turns").asInt(0), Duration.ofMillis(Math.max(0, event.path("duration_ms").asLong(0))),
                apiStatus, denials.values().stream().map(AgentEvent.PermissionDenied::tool).toList());
        emit.accept(result);
    }

    private void deny(String tool, String toolUseId, String detail, Consumer<AgentEvent> emit) {
        String key = toolUseId.isEmpty() ? tool + "#" + denials.size() : toolUseId;
        if (denials.containsKey(key)) {
            return;
        }
        AgentEvent.PermissionDenied denied = new AgentEvent.PermissionDenied(tool, toolUseId, detail);
        denials.put(key, denied);
        emit.accept(denied);
    }

    @Override
    public AgentExit finish(ProcessExit exit) {
        int exitCode = exit.exitCode();
        if (result == null) {
            return exit.failed("Claude Code ended (exit code " + exitCode + ") without reporting a result" + stderrSuffix(exit));
        }
        if (result.error()) {
            String text = result.text().isBlank() ? apiErrorText : result.text();
            String status = result.apiErrorStatus().isPresent() && !text.contains(String.valueOf(result.apiErrorStatus().getAsInt()))
                    ? "model API error " + result.apiErrorStatus().getAsInt() + ": " : "";
            return exit.failed(status + (text.isBlank() ? "Claude Code reported an error" : text));
        }
        if (exitCode != 0) {
            return exit.failed("Claude Code exited with code " + exitCode + stderrSuffix(exit));
        }
        if (!denials.isEmpty()) {
            StringBuilder message = new StringBuilder("needs permission: ");
            int i = 0;
            for (AgentEvent.PermissionDenied d : denials.values()) {
                message.append(i++ == 0 ? "" : "; ").append(d.tool());
                if (!d.detail().isBlank()) {
                    message.append(" (").append(abbreviate(d.detail(), MAX_SUMMARY_CHARS)).append(')');
                }
            }
            return exit.waitingForInput(message.toString());
        }
        return question != null ? exit.waitingForInput(question) : exit.done();
    }

    /** Claude Code's failure messages have always quoted its standard error as printed, indentation included. */
    private static String stderrSuffix(ProcessExit exit) {
        return exit.errorOutput().isEmpty() ? "" : "; its last error output: " + String.join(" | ", exit.errorOutput());
    }

    /** A one-line description of a tool call's input for a dashboard: a path, a command, a pattern. */
    static String summary(JsonNode input) {
        for (String field : SUMMARY_FIELDS) {
            JsonNode value = input.path(field);
            if (value.isTextual() && !value.asText().isBlank()) {
                String firstLine = value.asText().strip().lines().findFirst().orElse("");
                return abbreviate(firstLine, MAX_SUMMARY_CHARS);
            }
        }
        return "";
    }

    /** Text of a content value: a string, or the text blocks of an array (other blocks named by type). */
    private static String joinText(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(part.has("text") ? part.path("text").asText("") : "[" + part.path("type").asText("content") + "]");
        }
        return text.toString();
    }

    private static String rawType(String type, String subtype) {
        return subtype.isEmpty() ? type : type + "/" + subtype;
    }

    static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "… (" + (text.length() - max) + " more characters)";
    }
}
