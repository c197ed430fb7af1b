package dev.agentorchestrator.agents;

import dev.agentorchestrator.spi.AgentExit;
import dev.agentorchestrator.spi.AgentExit.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How an agent's process ended by itself, handed to {@link OutputInterpreter#finish(ProcessExit)}
 * to judge. A run ended by a stop request never gets here: the process reports it as
 * {@link Outcome#STOPPED} itself.
 *
 * @param exitCode    the process's exit code (128 + the signal when a signal ended it)
 * @param runtime     wall time from launch to exit
 * @param errorOutput the last non-blank lines the agent printed on standard error (at most
 *                    {@value #ERROR_LINES_KEPT}, oldest first, each as printed but cut to
 *                    {@value #MAX_KEPT_LINE_CHARS} characters)
 */
public record ProcessExit(int exitCode, Duration runtime, List<String> errorOutput) {

    /** How many standard error lines are kept for the message of a failed run. */
    public static final int ERROR_LINES_KEPT = 20;
    /** Longer standard error lines are cut to this many characters when kept. */
    public static final int MAX_KEPT_LINE_CHARS = 4_000;
    private static final int MAX_QUOTED_LINE_CHARS = 500;

    public ProcessExit {
        Objects.requireNonNull(runtime, "runtime");
        errorOutput = List.copyOf(errorOutput);
    }

    /** The run finished its turn. */
    public AgentExit done() {
        return new AgentExit(Outcome.DONE, exitCode, "", runtime);
    }

    /** The run stopped to ask {@code question} (or was refused a tool, as {@code question} says). */
    public AgentExit waitingForInput(String question) {
        return new AgentExit(Outcome.WAITING_FOR_INPUT, exitCode, question, runtime);
    }

    /** The run failed for the reason {@code message} gives. */
    public AgentExit failed(String message) {
        return new AgentExit(Outcome.FAILED, exitCode, message, runtime);
    }

    /** A failure worded {@code "<who> exited with code <n>: <why>"}, or without {@code ": why"} when it is empty. */
    public AgentExit exitedWithCode(String who, String why) {
        return failed(who + " exited with code " + exitCode + (why.isEmpty() ? "" : ": " + why));
    }

    /**
     * The last {@code maxLines} lines of {@link #errorOutput()}, each stripped and cut to 500
     * characters, joined by {@code " | "}; empty when the agent printed nothing there.
     */
    public String lastErrorLines(int maxLines) {
        List<String> last = errorOutput.subList(Math.max(0, errorOutput.size() - maxLines), errorOutput.size());
        return String.join(" | ", last.stream().map(ProcessExit::tidy).toList());
    }

    /** {@link #lastErrorLines(int)}, or {@code whenNone} when the agent printed nothing on standard error. */
    public String lastErrorLinesOr(int maxLines, String whenNone) {
        return errorOutput.isEmpty() ? whenNone : lastErrorLines(maxLines);
    }

    private static String tidy(String line) {
        String trimmed = line.strip();
        return trimmed.length() <= MAX_QUOTED_LINE_CHARS ? trimmed : trimmed.substring(0, MAX_QUOTED_LINE_CHARS) + "...";
    }
}
