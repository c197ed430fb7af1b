package dev.agentorchestrator;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One working tree of a repository, as {@code git worktree list --porcelain} describes it.
 *
 * @param path       absolute, normalised folder of the working tree
 * @param id         the administrative id ({@code .git/worktrees/<id>}); empty for the main worktree
 * @param branch     short branch name checked out there, empty when detached or bare
 * @param head       full commit id of HEAD, empty in a repository without commits
 * @param main       true for the repository's main working tree
 * @param locked     true when the worktree is locked against pruning
 * @param lockReason the reason given when locking, empty if none
 * @param prunable   true when the folder is gone and {@code git worktree prune} would remove it
 */
public record Worktree(
        Path path,
        String id,
        Optional<String> branch,
        Optional<String> head,
        boolean main,
        boolean locked,
        Optional<String> lockReason,
        boolean prunable) {

    public Worktree {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(lockReason, "lockReason");
    }

    /** True when HEAD is not on a branch. */
    public boolean detached() {
        return branch.isEmpty() && head.isPresent();
    }
}
