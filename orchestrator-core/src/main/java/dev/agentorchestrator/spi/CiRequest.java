package dev.agentorchestrator.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One CI run.
 *
 * @param session  the session whose branch is tested
 * @param worktree the worktree to run in
 * @param commit   the commit checked out there, which the result is recorded against
 * @param timeout  how long the run may take; a runner ends the command and everything it started
 *                 when it passes, and reports {@code TIMED_OUT}
 * @param output   receives each line the CI prints (for the session's log)
 * @param logFile  where the runner writes the run's whole output; when empty the runner picks a
 *                 file of its own (see the runner's documentation). Its parent folder need not exist.
 */
public record CiRequest(String session, Path worktree, String commit, Duration timeout, Consumer<String> output,
                        Optional<Path> logFile) {
    public CiRequest {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(worktree, "worktree");
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(logFile, "logFile");
    }

    /** A run whose log file the runner picks. */
    public CiRequest(String session, Path worktree, String commit, Duration timeout, Consumer<String> output) {
        this(session, worktree, commit, timeout, output, Optional.empty());
    }

    /** The same run, writing its whole output to {@code file}. */
    public CiRequest withLogFile(Path file) {
        return new CiRequest(session, worktree, commit, timeout, output, Optional.of(file));
    }
}
