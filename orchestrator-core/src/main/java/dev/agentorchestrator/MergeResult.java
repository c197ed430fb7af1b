package dev.agentorchestrator;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a merge did, always with what to do next. Only {@link Outcome#MERGED} moved anything; every
 * other outcome left the base branch, the feature branch, every worktree and every index as they were.
 *
 * @param feature      the session
 * @param outcome      what happened
 * @param baseBranch   the branch merged into
 * @param baseBefore   the base's commit before
 * @param mergedCommit the base's new commit, when merged
 * @param conflicts    the conflicting paths, for {@link Outcome#CONFLICT}
 * @param message      what happened and what to do next, for a person
 */
public record MergeResult(String feature, Outcome outcome, String baseBranch, String baseBefore,
                          Optional<String> mergedCommit, List<String> conflicts, String message) {

    /** What a merge amounted to. */
    public enum Outcome {
        /** The base moved to the merged commit. */
        MERGED,
        /** Refused by the CI gate: no result, a red one, or one for an older commit. */
        REFUSED_CI,
        /** Refused: the feature's worktree has uncommitted changes. */
        REFUSED_UNCOMMITTED,
        /** Refused: a worktree with the base checked out has changes in files the merge would change. */
        REFUSED_DIRTY_BASE,
        /** Refused: the session is not ready to merge (its state says why). */
        REFUSED_STATE,
        /** The merge conflicts; the paths are listed. */
        CONFLICT,
        /** Fast-forward only was asked, and the base has moved since the feature began. */
        NOT_FAST_FORWARD,
        /** The base moved while the merge was computed; nothing was overwritten. */
        CONCURRENT_UPDATE,
        /** The feature's commits are already on the base. */
        ALREADY_MERGED,
        /** The merge result's own CI run (in the merge queue) was red; the base did not move. */
        REFUSED_MERGE_RESULT_CI
    }

    public MergeResult {
        Objects.requireNonNull(feature, "feature");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(baseBranch, "baseBranch");
        Objects.requireNonNull(baseBefore, "baseBefore");
        Objects.requireNonNull(mergedCommit, "mergedCommit");
        conflicts = List.copyOf(conflicts);
        Objects.requireNonNull(message, "message");
    }

    public boolean merged() {
        return outcome == Outcome.MERGED;
    }

    @Override
    public String toString() {
        return "MergeResult[" + feature + " " + outcome + (mergedCommit.map(c -> " " + c.substring(0, Math.min(7, c.length()))).orElse(""))
                + ": " + message + "]";
    }
}
