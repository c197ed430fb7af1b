package dev.agentorchestrator.spi;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A running agent, as returned by {@link AgentLauncher#launch(AgentRequest)}.
 */
public interface AgentProcess {

    /**
     * An opaque id of the running agent that can be stored and handed back to its launcher's
     * {@link AgentLauncher#isRunning(String)} and {@link AgentLauncher#end(String, Duration)} after a
     * restart: a local process tree today, a pod or a remote job for other launchers.
     */
    String handle();

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
}
