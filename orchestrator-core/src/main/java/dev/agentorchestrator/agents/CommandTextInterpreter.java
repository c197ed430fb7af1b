package dev.agentorchestrator.agents;

import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.spi.AgentExit;
import dev.agentorchestrator.spi.AgentExit.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reads a plain-text agent's output.
 *
 * <ul>
 *   <li>The first stdout line announces the run: {@link AgentEvent.Started} with the orchestrator's
 *       session name as the agent session id (a plain command has no id of its own).</li>
 *   <li>Every non-blank stdout line is {@link AgentEvent.AssistantText}; one that matches the
 *       waiting pattern is also a {@link AgentEvent.Question}.</li>
 *   <li>Exit code 0 is {@link Outcome#DONE}, unless the last non-blank stdout line matched the
 *       waiting pattern: then {@link Outcome#WAITING_FOR_INPUT}. Any other code is
 *       {@link Outcome#FAILED}, with the last stderr lines as the message. A stop request is
 *       {@link Outcome#STOPPED} whatever the code.</li>
 * </ul>
 */
final class CommandTextInterpreter implements OutputInterpreter {
    private final String agentName;
    private final String sessionName;
    private final Optional<Pattern> waitingPattern;
    private boolean started;
    private String lastLine = "";
    private boolean lastLineAsks;

    CommandTextInterpreter(String agentName, String sessionName, Optional<Pattern> waitingPattern) {
        this.agentName = agentName;
        this.sessionName = sessionName;
        this.waitingPattern = waitingPattern;
    }

    @Override
    public void onStdout(String line, Consumer<AgentEvent> emit) {
        if (!started) {
            started = true;
            emit.accept(new AgentEvent.Started(sessionName, Optional.empty(), List.of()));
        }
        if (line.isBlank()) {
            return;
        }
        emit.accept(new AgentEvent.AssistantText(line));
        lastLine = line.strip();
        lastLineAsks = waitingPattern.map(p -> p.matcher(line).find()).orElse(false);
        if (lastLineAsks) {
            emit.accept(new AgentEvent.Question(lastLine));
        }
    }

    @Override
    public AgentExit finish(ProcessExit exit) {
        if (exit.exitCode() != 0) {
            return exit.exitedWithCode(agentName,
                    exit.lastErrorLinesOr(5, lastLine.isEmpty() ? "it printed nothing" : "last output: " + lastLine));
        }
        return lastLineAsks ? exit.waitingForInput(lastLine) : exit.done();
    }
}
