package dev.agentorchestrator.spi;

import dev.agentorchestrator.CiResult;

/**
 * Runs the project's CI (its test command) in a worktree. The default, found through
 * {@link java.util.ServiceLoader}, runs a command the builder names or one it detects from the
 * project's build files and reads the JUnit XML reports it writes
 * ({@link dev.agentorchestrator.ci.CommandCiRunner}); a host may plug in a remote CI instead.
 *
 * <p>A runner of one's own builds its result with {@link CiResult#builder(CiResult.Status, String)}:
 * the counts, the failing tests ({@link dev.agentorchestrator.TestFailure}), notes on what it could
 * not read, and the log file, if it keeps one.
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
     * {@link CiResult.Status#FAILED} result; a run that passes its time limit is ended, with
     * everything it started, and is {@link CiResult.Status#TIMED_OUT}; a runner that cannot run at
     * all returns {@link CiResult.Status#ERROR} with the reason in the summary.
     *
     * <p>The calling thread may be interrupted (the session was stopped, the orchestrator closes):
     * a runner then ends its run promptly and returns. Each line of output goes to
     * {@code request.output()}; the whole output goes to {@code request.logFile()} when it is
     * given, and the result's {@link CiResult#logFile()} names the file written.
     */
    CiResult run(CiRequest request);
}
