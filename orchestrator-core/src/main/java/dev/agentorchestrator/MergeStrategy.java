package dev.agentorchestrator;

/** How a finished feature's branch goes into its base branch. */
public enum MergeStrategy {
    /** A merge commit with two parents ({@code git merge --no-ff}). */
    MERGE_COMMIT,
    /** All of the branch's changes as one new commit on the base ({@code git merge --squash}). */
    SQUASH,
    /** Move the base to the branch's head; refused when the base has moved on. */
    FAST_FORWARD
}
