package dev.agentorchestrator;

import java.util.Objects;

/**
 * What {@link Orchestrator#remove(RemoveRequest)} removes. By default the session's worktree, its
 * branch (only when merged into its base) and its record; refusals lose nothing.
 *
 * <pre>{@code
 * o.remove(RemoveRequest.of("auth-api").keepBranch());
 * o.remove(RemoveRequest.of("spike").force());
 * }</pre>
 *
 * @param feature      the session to remove
 * @param deleteBranch also delete the session's branch
 * @param forced       remove the worktree even with uncommitted changes, and the branch even unmerged
 */
public record RemoveRequest(String feature, boolean deleteBranch, boolean forced) {

    public RemoveRequest {
        Objects.requireNonNull(feature, "feature");
        if (feature.isBlank()) {
            throw new ConfigurationException("RemoveRequest: feature is blank; name the session to remove,"
                    + " for example RemoveRequest.of(\"auth-api\")");
        }
    }

    /** Removes worktree, branch (when merged) and record; refuses uncommitted or unmerged work. */
    public static RemoveRequest of(String feature) {
        return new RemoveRequest(feature, true, false);
    }

    /** A copy that leaves the branch in place. */
    public RemoveRequest keepBranch() {
        return new RemoveRequest(feature, false, forced);
    }

    /** A copy that removes uncommitted changes and unmerged commits too. */
    public RemoveRequest force() {
        return new RemoveRequest(feature, deleteBranch, true);
    }
}
