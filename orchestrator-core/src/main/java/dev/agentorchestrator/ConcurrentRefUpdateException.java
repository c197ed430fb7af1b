package dev.agentorchestrator;

import java.util.Objects;
import java.util.Optional;

/**
 * A branch was not moved because it no longer pointed where the caller expected: someone else
 * (a person, an agent, another process) moved or deleted it between the caller's read and its
 * write. Nothing was overwritten; read the branch again, recompute, and retry.
 */
public class ConcurrentRefUpdateException extends GitException {
    private static final long serialVersionUID = 1L;

    private final String branch;
    private final String expected;
    private final String actual;

    /**
     * @param branch   the short branch name
     * @param expected the commit id the caller expected the branch to hold
     * @param actual   the commit id the branch holds now, empty when it no longer exists
     */
    public ConcurrentRefUpdateException(String branch, String expected, Optional<String> actual) {
        super("branch '" + branch + "' was not moved: it was expected at " + expected + " but "
                + actual.map(id -> "is now at " + id).orElse("no longer exists")
                + ", so someone else changed it meanwhile; nothing was overwritten. Read the branch again,"
                + " recompute the change from its new commit and retry");
        this.branch = Objects.requireNonNull(branch, "branch");
        this.expected = Objects.requireNonNull(expected, "expected");
        this.actual = actual.orElse(null);
    }

    /** The short name of the branch that was not moved. */
    public String branch() {
        return branch;
    }

    /** The commit the caller expected the branch to hold. */
    public String expected() {
        return expected;
    }

    /** The commit the branch holds now; empty when the branch was deleted. */
    public Optional<String> actual() {
        return Optional.ofNullable(actual);
    }
}
