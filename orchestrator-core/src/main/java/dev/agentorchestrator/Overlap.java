package dev.agentorchestrator;

import java.util.List;
import java.util.Objects;

/**
 * Files that two or more sessions are changing at once (committed on their branches since the
 * merge base with their base branch, uncommitted in their worktrees, or written by their agents'
 * tools while they run): where their merges will meet.
 *
 * @param sessions the sessions, sorted
 * @param files    the files all of them touch, sorted
 */
public record Overlap(List<String> sessions, List<String> files) {
    public Overlap {
        sessions = List.copyOf(sessions);
        files = List.copyOf(files);
        if (sessions.size() < 2) {
            throw new ConfigurationException("an overlap names at least two sessions, was " + sessions);
        }
        Objects.requireNonNull(files, "files");
    }

    /** True when {@code session} is one of the sessions. */
    public boolean involves(String session) {
        return sessions.contains(session);
    }

    @Override
    public String toString() {
        return String.join(" & ", sessions) + ": " + String.join(", ", files);
    }
}
