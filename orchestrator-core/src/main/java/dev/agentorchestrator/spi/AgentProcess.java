package dev.agentorchestrator.spi;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A running agent, as returned by {@link AgentLauncher#launch(AgentRequest)}.
 */
public interface AgentProcess {

    /** The operating-system process id of the agent (the root of its process tree). */
    long pid();

    /**
     * Completes once the agent has ended and all its output has been read and delivered to the
     * listener. Never completes exceptionally: a failure is described by the {@link AgentExit}.
     */
    CompletableFuture<AgentExit> exit();

    /**
     * Ends the agent and every process it started: asks them to stop (SIGTERM), waits up to
     * {@code grace}, then kills what is left. Returns when all have ended. Safe to call twice.
     */
    void stop(Duration grace);

    /** True until the agent has ended. */
    default boolean isAlive() {
        return !exit().isDone();
    }

    /**
     * True when this agent reads follow-up prompts while it runs (an interactive agent on
     * standard input). Agents that run one turn per process (Claude Code's {@code -p}) return
     * false, and the engine continues them with a new process that resumes the conversation.
     */
    default boolean acceptsInput() {
        return false;
    }

    /**
     * Sends a follow-up prompt to a running agent that {@link #acceptsInput() accepts input}.
     *
     * @throws UnsupportedOperationException when it does not
     */
    default void sendInput(String prompt) {
        throw new UnsupportedOperationException("this agent takes no input while it runs; resume it instead");
    }
}
