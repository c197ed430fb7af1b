package dev.agentorchestrator;

/** How a feature's branch is merged into its base branch. */
public enum MergeStrategy {
    /** A merge commit with the base and the feature as parents, even when a fast-forward would do (the default). */
    MERGE_COMMIT,
    /** One new commit on the base holding the feature's changes; its message names the feature and its task. */
    SQUASH,
    /** The base moves to the feature's head, only when the base has not moved since the feature began. */
    FAST_FORWARD_ONLY,
    /** The feature's commits replayed on the base, then the base moves to the last one; on a conflict nothing moves. */
    REBASE
}
