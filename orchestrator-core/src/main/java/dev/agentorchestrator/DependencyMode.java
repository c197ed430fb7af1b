package dev.agentorchestrator;

/**
 * How a feature that {@link Feature#dependsOn() depends on} others waits for them.
 *
 * <pre>{@code
 * Feature.builder("audit-log", "Record every payment").dependsOn("payments")
 *        .dependencyMode(DependencyMode.STACKED)   // start now, on top of feature/payments
 *        .build();
 * }</pre>
 *
 * <p>{@link #SEQUENTIAL} is the default: the dependent starts from a base branch that already
 * holds its dependencies, and nothing ever rewrites its branch under its agent. {@link #STACKED}
 * trades that for time: both work at once, and the orchestrator keeps the dependent's branch on
 * top of its dependency's newest commit (see docs/coordination.md).
 */
public enum DependencyMode {
    /**
     * Start after every dependency has been MERGED, from the base branch as it is then (so the
     * dependency's work is in it). A dependency that is ready to merge but not merged yet keeps
     * the dependent QUEUED; merge the dependency to let it start.
     */
    SEQUENTIAL,
    /**
     * Start as soon as the (one) dependency has its branch, on top of that branch's newest commit.
     * When the dependency gets new commits, the dependent's own commits are replayed on top of
     * them; when it is merged, onto the base branch. The replay happens only while the dependent's
     * agent does not run and its worktree is clean; a replay that conflicts changes nothing and
     * goes to the dependent's agent as a follow-up naming the files.
     */
    STACKED;

    /**
     * True when {@code dependency} no longer keeps a dependent of this mode from starting:
     * MERGED for {@link #SEQUENTIAL}; MERGED, or past making its worktree (its branch exists) for
     * {@link #STACKED}.
     */
    public boolean satisfiedBy(Session dependency) {
        SessionState s = dependency.state();
        if (s == SessionState.MERGED) {
            return true;
        }
        return this == STACKED && dependency.worktree().isPresent()
                && s != SessionState.QUEUED && s != SessionState.CREATING_WORKTREE;
    }
}
