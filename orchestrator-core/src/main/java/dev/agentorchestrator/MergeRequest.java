package dev.agentorchestrator;

import java.util.Objects;
import java.util.Optional;

/**
 * A request to merge a finished feature into its base branch.
 *
 * @param feature          the feature to merge
 * @param strategy         how to merge
 * @param requireGreenCi   refuse unless the latest CI result on the branch head passed
 * @param removeWorktree   remove the feature's worktree after a successful merge
 * @param deleteBranch     delete the feature's branch after a successful merge
 * @param message          the merge or squash commit's message; empty for a generated one
 */
public record MergeRequest(String feature, MergeStrategy strategy, boolean requireGreenCi,
                           boolean removeWorktree, boolean deleteBranch, Optional<String> message) {

    public MergeRequest {
        FeatureNames.check(feature);
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(message, "message");
    }

    /** A merge commit, gated on green CI, cleaning up worktree and branch afterwards. */
    public static MergeRequest of(String feature) {
        return new MergeRequest(feature, MergeStrategy.MERGE_COMMIT, true, true, true, Optional.empty());
    }

    public MergeRequest withStrategy(MergeStrategy strategy) {
        return new MergeRequest(feature, strategy, requireGreenCi, removeWorktree, deleteBranch, message);
    }

    public MergeRequest withoutCiGate() {
        return new MergeRequest(feature, strategy, false, removeWorktree, deleteBranch, message);
    }

    public MergeRequest keepingWorktreeAndBranch() {
        return new MergeRequest(feature, strategy, requireGreenCi, false, false, message);
    }

    public MergeRequest withMessage(String message) {
        return new MergeRequest(feature, strategy, requireGreenCi, removeWorktree, deleteBranch, Optional.of(message));
    }
}
