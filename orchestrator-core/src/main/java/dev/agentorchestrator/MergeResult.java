package dev.agentorchestrator;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a merge did.
 *
 * @param feature          the feature
 * @param status           how it ended
 * @param mergeCommit      the new head of the base branch when merged
 * @param conflictingFiles files that conflicted, when the status is {@link Status#CONFLICT}
 * @param message          a sentence for a person: what happened and what to do next
 */
public record MergeResult(String feature, Status status, Optional<String> mergeCommit,
                          List<String> conflictingFiles, String message) {

    public enum Status {
        /** The base branch now holds the feature. */
        MERGED,
        /** The branches conflict; the base branch is untouched. */
        CONFLICT,
        /** CI has not passed on the branch head; nothing was merged. */
        CI_NOT_GREEN,
        /** Fast-forward was asked but the base has moved on; nothing was merged. */
        NOT_FAST_FORWARD,
        /** The branch has nothing the base does not have. */
        NOTHING_TO_MERGE
    }

    public MergeResult {
        Objects.requireNonNull(feature, "feature");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(mergeCommit, "mergeCommit");
        conflictingFiles = List.copyOf(conflictingFiles);
        Objects.requireNonNull(message, "message");
    }
}
