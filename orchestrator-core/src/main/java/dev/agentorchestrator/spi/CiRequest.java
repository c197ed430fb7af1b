package dev.agentorchestrator.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One CI run.
 *
 * @param session  the session whose branch is tested
 * @param worktree the worktree to run in
 * @param commit   the commit checked out there, which the result is recorded against
 * @param timeout  how long the run may take
 * @param output   receives each line the CI prints (for the session's log)
 */
public record CiRequest(String session, Path worktree, String commit, Duration timeout, Consumer<String> output) {
    public CiRequest {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(worktree, "worktree");
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(output, "output");
    }
}
