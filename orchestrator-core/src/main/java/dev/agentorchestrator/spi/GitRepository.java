package dev.agentorchestrator.spi;

import dev.agentorchestrator.ChangedFile;
import dev.agentorchestrator.DiffStat;
import dev.agentorchestrator.Divergence;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.Worktree;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One open repository, as seen by a {@link GitBackend}. Every method is safe to call from several
 * threads. Every method that changes something either completes or leaves the repository, its
 * branches and its worktrees as they were, and throws {@link GitException} saying why.
 *
 * <p>Branch arguments are short names ({@code main}, {@code feature/auth}); revision arguments
 * accept anything {@code git rev-parse} accepts for a commit.
 */
public interface GitRepository extends AutoCloseable {

    /** The main working tree's folder, absolute and normalised. */
    Path workTree();

    /**
     * The common git directory ({@code .git} of the main worktree), shared by every linked
     * worktree; the state store keeps its files under it.
     */
    Path commonDir();

    /** The branch the main worktree has checked out, empty when detached. */
    Optional<String> currentBranch();

    /** True when a local branch of that short name exists. */
    boolean branchExists(String branch);

    /** Full commit id that the revision (branch, tag, id) points at, empty when it does not resolve. */
    Optional<String> resolve(String revision);

    /**
     * Creates a linked worktree at {@code request.path()} on a new branch {@code request.branch()}
     * that starts at {@code request.base()}, and checks it out. What it writes is what
     * {@code git worktree add -b BRANCH PATH BASE} writes, so that git and every backend agree.
     *
     * @throws GitException when the repository has no commits, the base does not resolve, the
     *                      branch exists, the path is taken, or writing fails; nothing is left behind
     */
    Worktree createWorktree(WorktreeRequest request);

    /** Every worktree, the main one first, as {@code git worktree list --porcelain} shows them. */
    List<Worktree> listWorktrees();

    /** The worktree whose folder is {@code path}, if there is one. */
    default Optional<Worktree> findWorktree(Path path) {
        Path wanted = path.toAbsolutePath().normalize();
        return listWorktrees().stream().filter(w -> w.path().equals(wanted)).findFirst();
    }

    /**
     * Removes a linked worktree: its folder and its administrative files. The branch stays.
     *
     * @param force remove even with uncommitted changes or untracked files, or when locked
     * @throws GitException when it is the main worktree, is unknown, is dirty or locked and
     *                      {@code force} is false
     */
    void removeWorktree(Path path, boolean force);

    /**
     * Removes the administrative files of worktrees whose folder no longer exists (and is not
     * locked), like {@code git worktree prune}.
     *
     * @return the folders of the worktrees that were pruned
     */
    List<Path> pruneWorktrees();

    /** Locks a linked worktree against pruning, with an optional reason (may be empty). */
    void lockWorktree(Path path, String reason);

    /** Unlocks a locked linked worktree. */
    void unlockWorktree(Path path);

    /** Deletes a local branch; refuses one checked out in a worktree, or unmerged into HEAD unless forced. */
    void deleteBranch(String branch, boolean force);

    /** Commits on {@code branch} and not on {@code base}, and the other way round. */
    Divergence divergence(String branch, String base);

    /** Files changed by the commits on {@code branch} since its merge base with {@code base}. */
    List<ChangedFile> changedFiles(String branch, String base);

    /**
     * Files that differ between HEAD and the working tree at {@code worktree}, staged or not,
     * untracked files included (as {@link ChangedFile.Kind#ADDED}), ignored files not.
     */
    List<ChangedFile> uncommittedChanges(Path worktree);

    /** Lines added and removed by the commits on {@code branch} since its merge base with {@code base}. */
    DiffStat diffStat(String branch, String base);

    /** True when the worktree has uncommitted changes or untracked (not ignored) files. */
    default boolean isDirty(Path worktree) {
        return !uncommittedChanges(worktree).isEmpty();
    }

    /** Releases what the backend holds open; the repository on disk is untouched. */
    @Override
    void close();

    /**
     * Finds worktrees that this library began to create and never finished (the process making
     * them was killed, or the machine stopped) and rolls each back: its administrative folder,
     * its half-written folder, and the branch the create made, while that branch still points at
     * the commit it was created at. A create that had already finished is kept. Worktrees made by
     * hand or by another tool are never touched: only creates that left this library's marker
     * (under {@code <common git dir>/agent-orchestrator/}) are considered, and creates still
     * running in a live process are left alone. Afterwards the repository passes
     * {@code git fsck --full} and the same create can be made again.
     *
     * <p>The default does nothing, for backends that make worktrees in one atomic step.
     *
     * @return the folders of the worktrees that were rolled back, empty when there were none
     * @throws dev.agentorchestrator.GitException when something half-made cannot be removed; the
     *         message names it
     */
    default List<Path> recoverIncompleteWorktrees() {
        return List.of();
    }

    // ---- Merging without a working tree (for the conflict forecast and the merge queue) ----
    // Added after the first release: each has a default that refuses, so that a backend written
    // against the earlier interface still compiles and says clearly what it lacks.

    /**
     * Merges two commits in memory, as {@code git merge-tree --write-tree} does: no working tree,
     * index or ref is read or written; on a clean merge the merged tree (and the objects it needs)
     * is written to the object database, on a conflict nothing that matters is kept.
     *
     * @param ours   a revision naming the first commit (usually the branch merged into)
     * @param theirs a revision naming the second commit
     * @return whether the merge is clean, the merged tree when it is, the conflicting paths when not
     * @throws GitException when a revision does not name a commit, or the two share no history
     */
    default MergePreview mergeTree(String ours, String theirs) {
        throw unsupported("mergeTree");
    }

    /**
     * Writes a commit object for an existing tree and returns its id. Only objects are written:
     * no ref, index or working tree changes. The identity, when the request names none, is the
     * repository's configured {@code user.name} / {@code user.email}, else {@link GitIdentity#FALLBACK}.
     *
     * @throws GitException when the tree or a parent does not exist
     */
    default String commitTree(CommitRequest request) {
        throw unsupported("commitTree");
    }

    /**
     * Moves a local branch to {@code newCommit} only if it still points at {@code expectedOldCommit}
     * (a compare-and-swap), and writes a reflog entry. It moves only the ref: a worktree that has
     * the branch checked out keeps its files and index (see {@link #advanceWorktree}).
     *
     * @param branch            the short branch name, which must exist
     * @param newCommit         a full commit id that exists
     * @param expectedOldCommit the full commit id the branch must hold now
     * @throws dev.agentorchestrator.ConcurrentRefUpdateException when the branch holds another commit
     *         or does not exist (any more); the branch is left as it is
     * @throws GitException when the branch is locked by another process, or {@code newCommit} is not a commit
     */
    default void updateBranch(String branch, String newCommit, String expectedOldCommit) {
        throw unsupported("updateBranch");
    }

    /**
     * The paths that keep {@link #advanceWorktree} from moving {@code worktree} from
     * {@code fromCommit} to {@code toCommit}: files that differ between the two commits and that
     * the worktree has changed (staged, unstaged or untracked) compared with {@code fromCommit}.
     * Empty when the worktree can follow. Nothing is written.
     */
    default List<String> uncommittedChangesInTheWay(Path worktree, String fromCommit, String toCommit) {
        throw unsupported("uncommittedChangesInTheWay");
    }

    /**
     * Brings a worktree's index and files from {@code fromCommit} to {@code toCommit} after its
     * checked-out branch moved between them, like {@code git read-tree -m -u FROM TO}: paths the
     * two commits share untouched keep whatever local changes they have.
     *
     * @throws GitException naming the worktree and the paths, with nothing changed, when
     *         {@link #uncommittedChangesInTheWay} is not empty; also when the worktree is unknown
     *         or its HEAD is not at {@code toCommit} yet (move the branch first)
     */
    default void advanceWorktree(Path worktree, String fromCommit, String toCommit) {
        throw unsupported("advanceWorktree");
    }

    /**
     * Replays {@code commits} (oldest first, each a child of the one before, none a merge) on top
     * of {@code onto}, in memory, like {@code git rebase}: each commit's change (against its
     * parent) is merged onto the new tip, keeping its author, message and author date, with the
     * configured identity as committer. Only objects are written; no ref, index or file changes,
     * so the caller moves a branch afterwards with {@link #updateBranch}. A commit whose parent
     * already is the new tip is kept as it is; one that becomes empty is dropped.
     *
     * @return the new tip, or the first commit that conflicted and its paths
     * @throws GitException when a revision is not a commit, a commit is a merge, or the list is not a chain
     */
    default ReplayResult replay(List<String> commits, String onto) {
        throw unsupported("replay");
    }

    /**
     * The paths merging {@code theirs} into {@code ours} would leave conflicted, sorted; empty when
     * the merge is clean. What {@link #mergeTree} says, without the merge bases and the tree, which
     * the conflict forecast does not need: a backend may answer it with less work (the git-binary
     * backend runs one process instead of two). The default asks {@link #mergeTree}.
     *
     * @throws GitException as {@link #mergeTree} does
     */
    default List<String> mergeConflicts(String ours, String theirs) {
        return mergeTree(ours, theirs).conflicts();
    }

    /**
     * The commits these revisions resolve to, absent for one that does not: {@link #resolve} for
     * many at once, which a backend may answer in one go (the forecast resolves every live branch on
     * each refresh). The default resolves them one by one.
     */
    default java.util.Map<String, Optional<String>> resolveAll(java.util.Collection<String> revisions) {
        java.util.Map<String, Optional<String>> out = new java.util.LinkedHashMap<>();
        for (String r : revisions) {
            out.computeIfAbsent(r, this::resolve);
        }
        return out;
    }

    /**
     * The local branches whose names begin with {@code prefix}, sorted by name. The engine uses it
     * to find the temporary branches (merge tests) that a host killed at the wrong moment left
     * behind. The default says the backend does not support it, and such leftovers then stay.
     *
     * @throws GitException when the branches cannot be listed
     */
    default List<String> branchesStartingWith(String prefix) {
        throw unsupported("branchesStartingWith");
    }

    /** The folders of the worktrees (main first) that have {@code branch} checked out; usually none or one. */
    default List<Path> worktreesWithBranch(String branch) {
        return listWorktrees().stream().filter(w -> w.branch().filter(branch::equals).isPresent())
                .map(Worktree::path).toList();
    }

    private GitException unsupported(String operation) {
        return new GitException("the git backend behind " + this + " does not support " + operation
                + "(..); use a backend that does (the bundled git-cli and jgit backends both do)");
    }

    /**
     * Stages every change in the worktree (new, changed and deleted files, not ignored ones) and
     * commits it on the worktree's branch, with the repository's configured identity or, when none
     * is set, {@code agent-orchestrator <agent-orchestrator@localhost>}.
     *
     * @return the new commit's id
     * @throws dev.agentorchestrator.GitException when there is nothing to commit or the commit fails
     */
    default String commitAll(Path worktree, String message) {
        throw new dev.agentorchestrator.GitException("This git backend cannot commit a worktree's changes; commit them"
                + " by hand, or choose UncommittedWork.ASK_AGENT or FLAG");
    }

    /**
     * The commits reachable from {@code tip} and not from {@code base}, oldest first, as
     * {@code git rev-list --reverse base..tip} lists them; for replaying a branch onto its base.
     */
    default List<String> commitsBetween(String base, String tip) {
        throw new dev.agentorchestrator.GitException("This git backend cannot list the commits between two revisions;"
                + " use MergeStrategy.MERGE_COMMIT or SQUASH");
    }
}
