package dev.agentorchestrator.agents;

import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.spi.AgentExit;
import java.util.function.Consumer;

/**
 * Turns one agent run's output into {@link AgentEvent}s and, at the end, judges how the run went.
 * A new interpreter is made for every run, so it may keep state (the agent's session id, the
 * denials seen, the last result). Lines arrive one at a time, in order, per stream; calls are
 * never concurrent.
 *
 * <p>What every process launcher has in common is decided before {@link #finish} is called: a
 * run ended by a stop request is {@code STOPPED} without asking the interpreter, and the last
 * lines of standard error are kept for it in {@link ProcessExit#errorOutput()}. When an
 * interpreter throws, the run still ends, as {@code FAILED} with the exception in its message.
 */
public interface OutputInterpreter {

    /** One line from standard output. Emit any number of events; never throw for bad input. */
    void onStdout(String line, Consumer<AgentEvent> emit);

    /** One line from standard error. Most agents print diagnostics there; the default ignores it. */
    default void onStderr(String line, Consumer<AgentEvent> emit) {
    }

    /**
     * Judges a run that ended by itself (not stopped): {@code DONE}, {@code WAITING_FOR_INPUT} or
     * {@code FAILED}, with {@link ProcessExit}'s helpers.
     */
    AgentExit finish(ProcessExit exit);
}
