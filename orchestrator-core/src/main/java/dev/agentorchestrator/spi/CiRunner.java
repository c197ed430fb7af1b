package dev.agentorchestrator.spi;

import dev.agentorchestrator.CiResult;

/**
 * Runs the project's CI (its test command) in a worktree. The default, found through
 * {@link java.util.ServiceLoader}, runs a command the builder names or one it detects from the
 * project's build files; a host may plug in a remote CI instead.
 */
public interface CiRunner {

    /** A short name for messages and logs. */
    String name();

    /** Higher wins when several runners are found through {@code ServiceLoader}. */
    default int priority() {
        return 0;
    }

    /**
     * Runs CI for {@code request.commit()} in {@code request.worktree()} and blocks until it
     * ends or its time limit passes. Never throws for a failing build: that is a
     * {@link CiResult.Status#FAILED} result; a runner that cannot run at all returns
     * {@link CiResult.Status#ERROR} with the reason in the summary.
     */
    CiResult run(CiRequest request);
}
