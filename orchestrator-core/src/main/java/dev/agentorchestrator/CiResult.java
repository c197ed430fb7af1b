package dev.agentorchestrator;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One CI run on one commit of a session's branch.
 *
 * @param status     how it ended
 * @param commit     the commit that was tested
 * @param passed     tests passed, as counted from the runner's output (0 when unknown)
 * @param failed     tests failed (0 when unknown)
 * @param skipped    tests skipped (0 when unknown)
 * @param duration   wall time of the run
 * @param finishedAt when it ended
 * @param summary    a short excerpt for a person: the failing tests or the last lines of output
 */
public record CiResult(Status status, String commit, int passed, int failed, int skipped,
                       Duration duration, Instant finishedAt, String summary) {

    public enum Status {
        PASSED, FAILED, ERROR, TIMED_OUT, SKIPPED;

        public boolean isGreen() {
            return this == PASSED || this == SKIPPED;
        }
    }

    public CiResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(summary, "summary");
        if (passed < 0 || failed < 0 || skipped < 0) {
            throw new IllegalArgumentException("test counts must not be negative");
        }
    }
}
