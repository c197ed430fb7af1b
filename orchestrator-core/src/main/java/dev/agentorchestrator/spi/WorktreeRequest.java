package dev.agentorchestrator.spi;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link GitRepository#createWorktree(WorktreeRequest)} is asked to make: a worktree on a
 * new branch cut from a base ({@link #newBranch}, or the three-argument constructor), or a
 * worktree on a branch that already exists ({@link #existingBranch}), for example to make a
 * session's worktree again after its folder was deleted.
 *
 * <pre>{@code
 * repo.createWorktree(WorktreeRequest.newBranch(path, "feature/auth", "main"));
 * repo.createWorktree(WorktreeRequest.existingBranch(path, "feature/auth", recordedCommit));
 * }</pre>
 *
 * @param path           the folder to create; must not exist, or exist and be empty
 * @param branch         the branch to check out there, such as {@code feature/auth}
 * @param base           for a new branch, the branch (or any revision) it starts from; for an
 *                       existing branch, the branch itself
 * @param createBranch   true to create {@code branch} (it must not exist), false to check out an
 *                       existing one (it must exist and not be checked out anywhere)
 * @param expectedCommit only with an existing branch: the commit the branch must point at, or the
 *                       create fails naming the expected and the actual commit
 */
public record WorktreeRequest(Path path, String branch, String base, boolean createBranch,
                              Optional<String> expectedCommit) {

    public WorktreeRequest {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(expectedCommit, "expectedCommit");
        path = path.toAbsolutePath().normalize();
        if (createBranch && expectedCommit.isPresent()) {
            throw new IllegalArgumentException("a worktree request for the new branch '" + branch + "' cannot carry"
                    + " an expected commit: a new branch starts at its base; use existingBranch(path, branch,"
                    + " expectedCommit) to check out an existing branch at a known commit");
        }
        if (!createBranch && !base.equals(branch)) {
            throw new IllegalArgumentException("a worktree request for the existing branch '" + branch
                    + "' starts from that branch, not from '" + base + "'; use existingBranch(path, branch)");
        }
        if (expectedCommit.filter(String::isBlank).isPresent()) {
            throw new IllegalArgumentException("the expected commit of branch '" + branch + "' is blank; pass a"
                    + " commit id, or use existingBranch(path, branch) to accept wherever the branch is");
        }
    }

    /** A worktree at {@code path} on the new branch {@code branch}, starting at {@code base}. */
    public WorktreeRequest(Path path, String branch, String base) {
        this(path, branch, base, true, Optional.empty());
    }

    /** A worktree at {@code path} on the new branch {@code branch}, starting at {@code base}. */
    public static WorktreeRequest newBranch(Path path, String branch, String base) {
        return new WorktreeRequest(path, branch, base);
    }

    /** A worktree at {@code path} on the existing branch {@code branch}, wherever it points. */
    public static WorktreeRequest existingBranch(Path path, String branch) {
        return new WorktreeRequest(path, branch, branch, false, Optional.empty());
    }

    /**
     * A worktree at {@code path} on the existing branch {@code branch}, which must point at
     * {@code expectedCommit} (a commit id or any revision that names one); when it points
     * elsewhere, the create fails naming both commits.
     */
    public static WorktreeRequest existingBranch(Path path, String branch, String expectedCommit) {
        Objects.requireNonNull(expectedCommit, "expectedCommit");
        return new WorktreeRequest(path, branch, branch, false, Optional.of(expectedCommit));
    }
}
