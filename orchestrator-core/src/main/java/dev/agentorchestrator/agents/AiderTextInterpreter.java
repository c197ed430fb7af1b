package dev.agentorchestrator.agents;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.spi.AgentExit;
import dev.agentorchestrator.spi.AgentExit.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Aider's plain output ({@code --no-pretty --no-stream}). Aider has no machine-readable
 * output, so these rules follow the exact lines its source prints:
 *
 * <ul>
 *   <li>{@code Main model: M with ... edit format} starts the run: {@link AgentEvent.Started}
 *       with the chat history file as the session id and {@code M} as the model. (If that line
 *       never comes, the first line of the answer starts it, without a model.) The other start-up
 *       lines ({@code Aider v...}, {@code Weak model:}, {@code Git repo:}, {@code Repo-map:},
 *       {@code Added ... to the chat}) are not events.</li>
 *   <li>{@code Applied edit to PATH} is an {@code Edit} {@link AgentEvent.ToolUse} with
 *       {@code {"file_path": PATH}} and its successful {@link AgentEvent.ToolResult};
 *       {@code Failed to apply edit to PATH} is the same with an error result.</li>
 *   <li>{@code Commit SHA MESSAGE} is a {@code git commit} tool use and result.</li>
 *   <li>{@code Tokens: ... Cost: $X message, $Y session.} is a {@link AgentEvent.Raw} of type
 *       {@code aider.usage} carrying both costs. Aider prints it after every answer from the
 *       model, so it also clears an earlier API error (the retry worked).</li>
 *   <li>An API error ({@code litellm.SomeError: ...}, Aider's "The API provider ..." explanations,
 *       a context window overflow) is remembered until such a usage line.
 *       {@code Retrying in N seconds...} and the questions {@code --yes-always} answers
 *       ({@code ... (Y)es/(N)o [Yes]: y}) are not events.</li>
 *   <li>Every other non-blank line is {@link AgentEvent.AssistantText}.</li>
 * </ul>
 *
 * <p>Outcome: {@link Outcome#FAILED} on a non-zero exit or a remembered API error (Aider exits 0
 * after giving up on the API); {@link Outcome#WAITING_FOR_INPUT} when no edit was applied and the
 * answer's last line ends with a question mark (Aider asked instead of editing); otherwise
 * {@link Outcome#DONE}.
 */
final class AiderTextInterpreter implements OutputInterpreter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Pattern MAIN_MODEL = Pattern.compile("^Main model: (\\S+)");
    private static final Pattern START_UP = Pattern.compile(
            "^(Aider v\\S+|Weak model: |Editor model: |Git repo: |Repo-map: |Added .+ to the chat|Use /help|Model: |Cur working dir: )");
    private static final Pattern APPLIED = Pattern.compile("^Applied edit to (.+)$");
    private static final Pattern FAILED_EDIT = Pattern.compile("^Failed to apply edit to (.+)$");
    private static final Pattern COMMIT = Pattern.compile("^Commit ([0-9a-f]{7,40}) (.*)$");
    private static final Pattern USAGE = Pattern.compile(
            "^(?=Tokens: |Cost: )(?:Tokens: .*?)?(?:Cost: \\$([0-9.]+) message, \\$([0-9.]+) session\\.)?$");
    // --yes-always still prints each question with its automatic answer
    private static final Pattern CONFIRMATION = Pattern.compile("\\(Y\\)es/\\(N\\)o");
    private static final Pattern API_ERROR = Pattern.compile(
            "^(litellm\\.\\w+(Error|Exception)?:.*|The API provider .*|Your estimated chat context of .* exceeds the .* token limit.*)$");
    private static final Pattern RETRYING = Pattern.compile("^Retrying in [0-9.]+ seconds");

    private final String chatHistoryFile;
    private boolean started;
    private int edits;
    private int toolCalls;
    private String lastAnswerLine = "";
    private String apiError;

    AiderTextInterpreter(String chatHistoryFile) {
        this.chatHistoryFile = chatHistoryFile;
    }

    @Override
    public void onStdout(String raw, Consumer<AgentEvent> emit) {
        String line = raw.strip();
        if (line.isEmpty()) {
            return;
        }
        Matcher m = MAIN_MODEL.matcher(line);
        if (m.find()) {
            start(Optional.of(m.group(1)), emit);
            return;
        }
        if (START_UP.matcher(line).find() || RETRYING.matcher(line).find() || CONFIRMATION.matcher(line).find()) {
            return;
        }
        if (API_ERROR.matcher(line).matches()) {
            apiError = line;
            return;
        }
        start(Optional.empty(), emit);
        if ((m = APPLIED.matcher(line)).matches()) {
            edits++;
            tool("Edit", json("file_path", m.group(1)), m.group(1), false, line, emit);
        } else if ((m = FAILED_EDIT.matcher(line)).matches()) {
            tool("Edit", json("file_path", m.group(1)), m.group(1), true, line, emit);
        } else if ((m = COMMIT.matcher(line)).matches()) {
            ObjectNode input = JSON.createObjectNode().put("sha", m.group(1)).put("message", m.group(2));
            tool("git commit", input.toString(), m.group(1) + " " + m.group(2), false, line, emit);
        } else if ((m = USAGE.matcher(line)).matches()) {
            apiError = null;
            ObjectNode usage = JSON.createObjectNode().put("report", line);
            if (m.group(1) != null) {
                usage.put("messageCostUsd", Double.parseDouble(m.group(1))).put("sessionCostUsd", Double.parseDouble(m.group(2)));
            }
            emit.accept(new AgentEvent.Raw("aider.usage", usage.toString()));
        } else {
            lastAnswerLine = line;
            emit.accept(new AgentEvent.AssistantText(line));
        }
    }

    private void start(Optional<String> model, Consumer<AgentEvent> emit) {
        if (!started) {
            started = true;
            emit.accept(new AgentEvent.Started(chatHistoryFile, model, List.of()));
        }
    }

    private void tool(String tool, String input, String summary, boolean error, String line, Consumer<AgentEvent> emit) {
        String id = "aider-" + (++toolCalls);
        emit.accept(new AgentEvent.ToolUse(id, tool, input, summary));
        emit.accept(new AgentEvent.ToolResult(id, error, line));
    }

    private static String json(String field, String value) {
        return JSON.createObjectNode().put(field, value).toString();
    }

    @Override
    public AgentExit finish(ProcessExit exit) {
        if (exit.exitCode() != 0) {
            return exit.exitedWithCode("aider", apiError != null ? apiError : exit.lastErrorLinesOr(5, lastAnswerLine));
        }
        if (apiError != null) {
            return exit.failed(apiError);
        }
        if (edits == 0 && lastAnswerLine.endsWith("?")) {
            return exit.waitingForInput(lastAnswerLine);
        }
        return exit.done();
    }
}
