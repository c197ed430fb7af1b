package dev.agentorchestrator.agents;

import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.spi.AgentExit;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Turns one agent run's output into {@link AgentEvent}s and, at the end, judges how the run went.
 * A new interpreter is made for every run, so it may keep state (the agent's session id, the
 * denials seen, the last result). Lines arrive one at a time, in order, per stream.
 */
public interface OutputInterpreter {

    /** One line from standard output. Emit any number of events; never throw for bad input. */
    void onStdout(String line, Consumer<AgentEvent> emit);

    /** One line from standard error. Most agents print diagnostics there; the default ignores it. */
    default void onStderr(String line, Consumer<AgentEvent> emit) {
    }

    /**
     * Judges the finished run.
     *
     * @param exitCode the process's exit code
     * @param stopped  true when the run was ended by a stop request
     * @param runtime  wall time of the run
     */
    AgentExit finish(int exitCode, boolean stopped, Duration runtime);
}
