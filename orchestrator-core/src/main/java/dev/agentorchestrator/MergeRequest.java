package dev.agentorchestrator;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Orchestrator#merge(MergeRequest)} merges and how. The defaults: a merge commit into
 * the session's own base branch, only when its latest CI result is green for the exact branch head,
 * refused when its worktree has uncommitted changes, and afterwards its worktree removed and its
 * branch deleted.
 *
 * <pre>{@code
 * o.merge(MergeRequest.of("auth-api").withStrategy(MergeStrategy.SQUASH).keepingBranch());
 * }</pre>
 *
 * @param feature           the session to merge
 * @param strategy          how
 * @param baseBranch        the branch to merge into; empty for the session's own base
 * @param message           the commit message; empty for one made from the feature's name and task
 * @param requireGreenCi    refuse unless the latest CI result is green for the branch head
 * @param ignoreUncommitted merge even when the feature's worktree has uncommitted changes (they stay out of the merge)
 * @param removeWorktree    remove the feature's worktree afterwards (never when it has uncommitted changes)
 * @param deleteBranch      delete the feature's branch afterwards
 * @param priority          its place in the merge queue: higher goes first, then the order of arrival
 *                          (default 0; only the queue reads it, see {@link Orchestrator#queueMerge(MergeRequest)})
 */
public record MergeRequest(String feature, MergeStrategy strategy, Optional<String> baseBranch, Optional<String> message,
                           boolean requireGreenCi, boolean ignoreUncommitted, boolean removeWorktree, boolean deleteBranch,
                           int priority) {

    public MergeRequest {
        Objects.requireNonNull(feature, "feature");
        if (feature.isBlank()) {
            throw new ConfigurationException("MergeRequest feature must not be blank; name the session to merge");
        }
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(baseBranch, "baseBranch");
        Objects.requireNonNull(message, "message");
    }

    /** The request without a priority (the record before the merge queue had priorities). */
    public MergeRequest(String feature, MergeStrategy strategy, Optional<String> baseBranch, Optional<String> message,
                        boolean requireGreenCi, boolean ignoreUncommitted, boolean removeWorktree, boolean deleteBranch) {
        this(feature, strategy, baseBranch, message, requireGreenCi, ignoreUncommitted, removeWorktree, deleteBranch, 0);
    }

    /** A merge commit into the session's base, gated on green CI, cleaning up afterwards, with priority 0. */
    public static MergeRequest of(String feature) {
        return new MergeRequest(feature, MergeStrategy.MERGE_COMMIT, Optional.empty(), Optional.empty(), true, false, true, true, 0);
    }

    /** The same request with another place in the merge queue: higher goes first; equal priorities go in order of arrival. */
    public MergeRequest withPriority(int p) {
        return new MergeRequest(feature, strategy, baseBranch, message, requireGreenCi, ignoreUncommitted, removeWorktree, deleteBranch, p);
    }

    public MergeRequest withStrategy(MergeStrategy s) {
        return new MergeRequest(feature, s, baseBranch, message, requireGreenCi, ignoreUncommitted, removeWorktree, deleteBranch, priority);
    }

    public MergeRequest into(String base) {
        return new MergeRequest(feature, strategy, Optional.of(base), message, requireGreenCi, ignoreUncommitted, removeWorktree, deleteBranch, priority);
    }

    public MergeRequest withMessage(String m) {
        return new MergeRequest(feature, strategy, baseBranch, Optional.of(m), requireGreenCi, ignoreUncommitted, removeWorktree, deleteBranch, priority);
    }

    /** Merges whatever the CI result says (or when there is none). */
    public MergeRequest withoutCiGate() {
        return new MergeRequest(feature, strategy, baseBranch, message, false, ignoreUncommitted, removeWorktree, deleteBranch, priority);
    }

    public MergeRequest ignoringUncommittedChanges() {
        return new MergeRequest(feature, strategy, baseBranch, message, requireGreenCi, true, removeWorktree, deleteBranch, priority);
    }

    public MergeRequest keepingWorktree() {
        return new MergeRequest(feature, strategy, baseBranch, message, requireGreenCi, ignoreUncommitted, false, deleteBranch, priority);
    }

    public MergeRequest keepingBranch() {
        return new MergeRequest(feature, strategy, baseBranch, message, requireGreenCi, ignoreUncommitted, removeWorktree, false, priority);
    }
}
