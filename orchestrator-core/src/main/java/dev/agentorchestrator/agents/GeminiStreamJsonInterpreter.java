package dev.agentorchestrator.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.spi.AgentExit;
import dev.agentorchestrator.spi.AgentExit.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Gemini CLI's {@code --output-format stream-json} events (defined in the CLI's
 * {@code packages/core/src/output/types.ts}, described in {@code docs/cli/headless.md}).
 *
 * <ul>
 *   <li>{@code init} ({@code session_id}, {@code model}) is {@link AgentEvent.Started}.</li>
 *   <li>Assistant {@code message}s are {@link AgentEvent.AssistantText}; chunks marked
 *       {@code delta} are joined and emitted whole before the next other event. User messages
 *       (the prompt echoed) are dropped.</li>
 *   <li>{@code tool_use} is {@link AgentEvent.ToolUse}; {@code tool_result} is
 *       {@link AgentEvent.ToolResult}, or {@link AgentEvent.PermissionDenied} when the tool needed
 *       a confirmation that headless mode cannot give.</li>
 *   <li>{@code result} is {@link AgentEvent.TurnFinished}; {@code error} and unknown types are
 *       {@link AgentEvent.Raw}.</li>
 * </ul>
 *
 * <p>The run is {@link Outcome#FAILED} when the result says {@code error}, when the CLI exits
 * non-zero (1 general or API error, 42 bad input, 53 turn limit) or when it ends without a
 * result; {@link Outcome#WAITING_FOR_INPUT} when a tool was refused; otherwise {@link Outcome#DONE}.
 */
final class GeminiStreamJsonInterpreter implements OutputInterpreter {
    private static final Logger log = LoggerFactory.getLogger(GeminiStreamJsonInterpreter.class);
    private static final String NEEDS_CONFIRMATION = "requires user confirmation";

    private final Map<String, String> toolNames = new HashMap<>();
    private final List<String> denials = new ArrayList<>();
    private final StringBuilder pendingDelta = new StringBuilder();
    private String lastAssistantText = "";
    private String lastError;
    private String resultError;
    private boolean resultSeen;

    @Override
    public void onStdout(String line, Consumer<AgentEvent> emit) {
        Optional<ObjectNode> parsed = JsonLines.parseObject(line, log, "gemini");
        if (parsed.isEmpty()) {
            return;
        }
        ObjectNode event = parsed.get();
        String type = event.path("type").asText("");
        if (type.equals("message") && event.path("delta").asBoolean(false) && isAssistant(event)) {
            pendingDelta.append(event.path("content").asText(""));
            return;
        }
        flushDelta(emit);
        switch (type) {
            case "init" -> emit.accept(new AgentEvent.Started(event.path("session_id").asText(""),
                    Optional.ofNullable(event.path("model").textValue()), List.of()));
            case "message" -> {
                if (isAssistant(event)) {
                    assistantText(event.path("content").asText(""), emit);
                }
            }
            case "tool_use" -> {
                String id = event.path("tool_id").asText("");
                String tool = event.path("tool_name").asText("unknown");
                toolNames.put(id, tool);
                JsonNode parameters = event.path("parameters");
                emit.accept(new AgentEvent.ToolUse(id, tool, parameters.isMissingNode() ? "{}" : parameters.toString(), summary(parameters)));
            }
            case "tool_result" -> toolResult(event, emit);
            case "error" -> {
                if (!"warning".equals(event.path("severity").asText())) {
                    lastError = event.path("message").asText("error");
                }
                emit.accept(new AgentEvent.Raw(type, line));
            }
            case "result" -> {
                resultSeen = true;
                boolean error = "error".equals(event.path("status").asText());
                resultError = error ? event.path("error").path("message").asText("the turn failed") : null;
                Duration duration = Duration.ofMillis(Math.max(0, event.path("stats").path("duration_ms").asLong(0)));
                emit.accept(new AgentEvent.TurnFinished(error, error ? resultError : lastAssistantText, 0.0, 0, duration,
                        OptionalInt.empty(), denials));
            }
            default -> emit.accept(new AgentEvent.Raw(type.isEmpty() ? "unknown" : type, line));
        }
    }

    private void toolResult(JsonNode event, Consumer<AgentEvent> emit) {
        String id = event.path("tool_id").asText("");
        boolean error = "error".equals(event.path("status").asText());
        String errorMessage = event.path("error").path("message").asText("");
        if (error && errorMessage.contains(NEEDS_CONFIRMATION)) {
            String tool = toolNames.getOrDefault(id, "unknown");
            denials.add(tool);
            emit.accept(new AgentEvent.PermissionDenied(tool, id, errorMessage));
            return;
        }
        String content = error ? errorMessage : event.path("output").asText("");
        emit.accept(new AgentEvent.ToolResult(id, error, content));
    }

    private void flushDelta(Consumer<AgentEvent> emit) {
        if (pendingDelta.length() > 0) {
            String text = pendingDelta.toString();
            pendingDelta.setLength(0);
            assistantText(text, emit);
        }
    }

    private void assistantText(String text, Consumer<AgentEvent> emit) {
        lastAssistantText = text;
        emit.accept(new AgentEvent.AssistantText(text));
    }

    private static boolean isAssistant(JsonNode event) {
        return "assistant".equals(event.path("role").asText());
    }

    /** A file path or command for a dashboard line: the first of the usual parameters that is present. */
    private static String summary(JsonNode parameters) {
        for (String key : List.of("file_path", "absolute_path", "path", "command", "pattern", "url", "query")) {
            if (parameters.path(key).isTextual()) {
                return parameters.path(key).asText();
            }
        }
        Iterator<JsonNode> values = parameters.elements();
        while (values.hasNext()) {
            JsonNode value = values.next();
            if (value.isTextual()) {
                return value.asText();
            }
        }
        return "";
    }

    @Override
    public AgentExit finish(ProcessExit exit) {
        if (resultError != null) {
            return exit.failed(resultError);
        }
        if (exit.exitCode() != 0) {
            return exit.failed("gemini exited with code " + exit.exitCode() + meaning(exit.exitCode()) + ": " + why(exit));
        }
        if (!resultSeen) {
            return exit.failed("gemini ended without a result event: " + why(exit));
        }
        if (!denials.isEmpty()) {
            return exit.waitingForInput("gemini was refused " + String.join(", ", denials)
                    + " (headless mode cannot confirm); approve them or use a wider approval mode");
        }
        return exit.done();
    }

    private static String meaning(int exitCode) {
        return switch (exitCode) {
            case 1 -> " (general or API error)";
            case 42 -> " (invalid prompt or arguments)";
            case 53 -> " (turn limit exceeded)";
            default -> "";
        };
    }

    private String why(ProcessExit exit) {
        return lastError != null ? lastError : exit.lastErrorLinesOr(5, "it reported no error");
    }
}
