package dev.agentorchestrator.spi;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A running agent, as returned by {@link AgentLauncher#launch(AgentRequest)}.
 */
public interface AgentProcess {

    /**
     * An opaque id of the running agent that the engine stores with the session, so that after a
     * restart (or from another process) {@link AgentLauncher#isRunning(String)} and
     * {@link AgentLauncher#end(String, Duration)} of the same launcher can find it. A local process
     * tree today ({@code local:<pid>:<start-epoch-millis>}); a pod or a remote job tomorrow. Never
     * holds a secret.
     */
    String handle();

    /**
     * Completes once the agent has ended and all its output has been read and delivered to the
     * listener. Never completes exceptionally: a failure is described by the {@link AgentExit}.
     */
    CompletableFuture<AgentExit> exit();

    /**
     * Ends the agent and every process it started: asks them to stop (SIGTERM), waits up to
     * {@code grace}, then kills what is left. Returns when all have ended. Safe to call twice. The
     * run then ends as {@link AgentExit.Outcome#STOPPED}.
     */
    void stop(Duration grace);

    /** True until the agent has ended. */
    default boolean isAlive() {
        return !exit().isDone();
    }
}
