package dev.agentorchestrator.internal.git;

import dev.agentorchestrator.ChangedFile;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.Worktree;
import dev.agentorchestrator.spi.WorktreeRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The worktree changes of {@link CliGitRepository}: create, remove, prune, lock, unlock and the
 * recovery of creates that were interrupted. A create is made by {@link AtomicWorktreeCreate} with
 * git's plumbing ({@code read-tree}, {@code update-ref}), never with {@code git worktree add},
 * whose half-made worktrees a kill leaves behind; everything is checked before anything is written.
 */
final class CliWorktrees {

    private static final String HEADS = "refs/heads/";

    /**
     * One lock per repository (by common dir) in this JVM, so that the creates, removes and
     * recoveries of one process run one at a time.
     */
    private static final ConcurrentMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final CliGitRepository repo;
    private final GitProcess git;
    private final ReentrantLock lock;
    private final AtomicWorktreeCreate.Steps steps;

    CliWorktrees(CliGitRepository repo, GitProcess git) {
        this.repo = repo;
        this.git = git;
        this.lock = LOCKS.computeIfAbsent(repo.commonDir(), dir -> new ReentrantLock());
        this.steps = new GitSteps();
    }

    /** The create's git work: the checkout into the staged folders, and the branch updates. */
    private final class GitSteps implements AtomicWorktreeCreate.Steps {
        @Override
        public void checkout(Path adminDir, Path folder, String commit) throws IOException {
            // What 'git worktree add' does with 'reset --hard', but on the staged git dir, whose
            // HEAD names a branch that may not exist yet: read-tree needs no HEAD.
            GitProcess.Result r = git.run(folder, List.of("--git-dir=" + adminDir, "--work-tree=" + folder,
                    "read-tree", "--reset", "-u", commit));
            if (!r.ok()) {
                throw new IOException(GitProcess.failure("cannot check out " + commit, r).getMessage());
            }
        }

        @Override
        public void createBranch(String branch, String commit) throws IOException {
            // The empty old value makes git refuse when the branch exists meanwhile.
            GitProcess.Result r = git.run(repo.workTree(), List.of("update-ref", "--create-reflog", "-m",
                    "branch: Created from " + commit, HEADS + branch, commit, ""));
            if (!r.ok()) {
                throw new IOException(GitProcess.failure("cannot create branch '" + branch + "'", r).getMessage());
            }
        }

        @Override
        public void deleteBranchIfAt(String branch, String commit) throws IOException {
            if (repo.listWorktrees().stream().anyMatch(w -> w.branch().filter(branch::equals).isPresent())) {
                return;
            }
            // The old-value check deletes the branch only while it still points where it was created.
            git.run(repo.workTree(), List.of("update-ref", "-d", HEADS + branch, commit));
        }

        @Override
        public Optional<String> branchCommit(String branch) {
            return repo.resolve(HEADS + branch);
        }
    }

    Worktree create(WorktreeRequest request) {
        String branch = request.branch();
        Path target = CanonicalPaths.canonical(request.path());
        lock.lock();
        try {
            checkBranchName(branch);
            if (!repo.hasCommits()) {
                throw new GitException("repository " + repo.workTree() + " has no commits yet; make a first commit"
                        + " before creating worktrees");
            }
            String commit = request.createBranch() ? newBranchStart(request, target) : existingBranchTip(request, target);
            checkTarget(target);
            Path firstMissing = CanonicalPaths.firstMissing(target);
            String what = "cannot create worktree " + target + (request.createBranch()
                    ? " on new branch '" + branch + "' from '" + request.base() + "'"
                    : " on existing branch '" + branch + "' at " + commit)
                    + " (what 'git worktree add' does)";
            try {
                AtomicWorktreeCreate.create(repo.commonDir(), target, branch, request.createBranch(), commit, steps);
            } catch (IOException | RuntimeException e) {
                throw new GitException(what + ": " + e.getMessage() + "; everything written for it was removed again"
                        + (e.getSuppressed().length == 0 ? "" : " except what these name: "
                        + Stream.of(e.getSuppressed()).map(Throwable::getMessage).collect(Collectors.joining("; "))), e);
            }
            runPostCheckoutHook(target, firstMissing, branch, request.createBranch(), commit, what);
            return repo.findWorktree(target).orElseThrow(() -> new GitException(
                    "created worktree " + target + " but git does not list it"));
        } finally {
            lock.unlock();
        }
    }

    /** The commit a new branch starts at, after checking that the branch does not exist. */
    private String newBranchStart(WorktreeRequest request, Path target) {
        String baseCommit = repo.requireCommit(request.base(), "base");
        if (repo.branchExists(request.branch())) {
            throw new GitException("cannot create worktree " + target + ": branch '" + request.branch()
                    + "' already exists in repository " + repo.workTree() + " (at "
                    + repo.resolve(HEADS + request.branch()).orElse("?") + "); check it out with"
                    + " WorktreeRequest.existingBranch(path, branch, expectedCommit), choose another name,"
                    + " or delete the branch first");
        }
        return baseCommit;
    }

    /** The commit an existing branch points at, after checking it is the expected one and free to check out. */
    private String existingBranchTip(WorktreeRequest request, Path target) {
        String branch = request.branch();
        String what = "cannot create worktree " + target + " on existing branch '" + branch + "'";
        Optional<String> tip = repo.resolve(HEADS + branch);
        if (!repo.branchExists(branch) || tip.isEmpty()) {
            throw new GitException(what + ": there is no such branch in repository " + repo.workTree()
                    + " (branches: " + repo.describeBranches() + "); restore the branch, or create a new one with"
                    + " WorktreeRequest.newBranch(path, branch, base)");
        }
        if (request.expectedCommit().isPresent()) {
            String expected = request.expectedCommit().get();
            Optional<String> expectedId = expected.startsWith("-") ? Optional.empty() : repo.resolve(expected);
            if (expectedId.isEmpty()) {
                throw new GitException(what + ": the expected commit " + expected + " is not in repository "
                        + repo.workTree() + " (the branch is at " + tip.get() + "); the commit was lost or never"
                        + " existed here; check the branch's reflog ('git reflog " + branch + "')");
            }
            if (!expectedId.get().equals(tip.get())) {
                throw new GitException(what + ": the branch is at " + tip.get() + " but was expected at "
                        + expectedId.get() + " (" + relation(expectedId.get(), tip.get()) + "); it was changed"
                        + " outside this worktree; check it out at its actual commit with"
                        + " WorktreeRequest.existingBranch(path, branch), or reset the branch to the expected commit");
            }
        }
        for (Worktree wt : repo.listWorktrees()) {
            if (wt.branch().filter(branch::equals).isPresent()) {
                throw new GitException(what + ": it is already checked out in worktree " + wt.path()
                        + ", and a branch can be checked out in one worktree only; " + HalfMadeWorktrees.freeingAdvice(wt));
            }
        }
        return tip.get();
    }

    /** How {@code actual} relates to {@code expected}: ahead, behind, or diverged, with counts. */
    private String relation(String expected, String actual) {
        GitProcess.Result r = git.run(repo.workTree(), List.of("rev-list", "--left-right", "--count",
                expected + "..." + actual));
        String[] counts = r.stdout().strip().split("\\s+");
        if (!r.ok() || counts.length != 2) {
            return "the two share no history";
        }
        int behind = Integer.parseInt(counts[0]);
        int ahead = Integer.parseInt(counts[1]);
        if (behind == 0) {
            return ahead + " commit(s) ahead of the expected one";
        }
        if (ahead == 0) {
            return behind + " commit(s) behind the expected one";
        }
        return "diverged: " + ahead + " commit(s) not in the expected one, " + behind + " of it missing";
    }

    /**
     * git runs the post-checkout hook when it adds a worktree; so do we, once the worktree is whole.
     * A failing hook fails the create, which then takes the worktree (and a branch it made) away.
     */
    private void runPostCheckoutHook(Path target, Path firstMissing, String branch, boolean createdBranch, String commit,
                                     String what) {
        GitProcess.Result r = git.run(target, List.of("hook", "run", "--ignore-missing", "post-checkout", "--",
                "0".repeat(commit.length()), commit, "1"));
        if (r.ok()) {
            return;
        }
        List<String> leftOver = new ArrayList<>();
        try {
            removeWholeWorktree(target);
            if (firstMissing != null && !firstMissing.equals(target) && target.getParent() != null) {
                CanonicalPaths.deleteEmptyFolders(target.getParent(), firstMissing.getParent());
            }
        } catch (RuntimeException e) {
            leftOver.add(target + " (" + e.getMessage() + ")");
        }
        if (createdBranch) {
            GitProcess.Result d = git.run(repo.workTree(), List.of("update-ref", "-d", HEADS + branch, commit));
            if (!d.ok() && repo.branchExists(branch)) {
                leftOver.add("branch '" + branch + "'");
            }
        }
        throw new GitException(what + ": the post-checkout hook failed: " + GitProcess.failure("hook", r).getMessage()
                + (leftOver.isEmpty() ? "; everything written for the worktree was removed again"
                : "; could not remove everything written for it, remove by hand: " + String.join(", ", leftOver)));
    }

    private void removeWholeWorktree(Path target) {
        git.runOk(repo.workTree(), List.of("worktree", "remove", "--force", "--force", target.toString()),
                "cannot remove worktree " + target);
    }

    List<Path> recover() {
        lock.lock();
        try {
            return AtomicWorktreeCreate.recover(repo.commonDir(), steps);
        } catch (IOException e) {
            throw new GitException("cannot roll back the unfinished worktree creates of repository " + repo.workTree()
                    + ": " + e.getMessage() + "; remove what it names by hand, or retry", e);
        } finally {
            lock.unlock();
        }
    }

    void remove(Path path, boolean force) {
        lock.lock();
        try {
            Worktree wt = repo.requireWorktree(path, "remove");
            if (wt.main()) {
                throw new GitException("cannot remove " + wt.path() + ": it is the main worktree of repository "
                        + repo.workTree() + "; only linked worktrees can be removed");
            }
            if (wt.locked() && !force) {
                throw new GitException("cannot remove worktree " + wt.path() + ": it is locked"
                        + wt.lockReason().map(r -> " (reason: " + r + ")").orElse("")
                        + "; unlock it first or pass force");
            }
            if (!force && Files.isDirectory(wt.path())) {
                List<ChangedFile> changes = repo.uncommittedChanges(wt.path());
                if (!changes.isEmpty()) {
                    throw new GitException("cannot remove worktree " + wt.path() + ": it has " + changes.size()
                            + " uncommitted change(s) (" + changes.stream().limit(5).map(ChangedFile::path)
                            .collect(Collectors.joining(", ")) + (changes.size() > 5 ? ", ..." : "")
                            + "); commit or discard them, or pass force to throw them away");
                }
            }
            Path admin = repo.commonDir().resolve("worktrees").resolve(wt.id());
            if (!wt.id().isEmpty() && AtomicWorktreeRemove.pointsBack(wt.path(), admin)) {
                // A whole worktree: removed so that a kill never leaves it listed with files missing,
                // which 'git worktree remove' (files first, administrative folder last) does.
                try {
                    AtomicWorktreeRemove.remove(repo.commonDir(), admin, wt.path());
                } catch (IOException | RuntimeException e) {
                    throw new GitException("cannot remove worktree " + wt.path() + ": " + e.getMessage()
                            + "; check the permissions of " + wt.path() + " and " + admin
                            + ", then retry (recoverIncompleteWorktrees() finishes a removal that had begun)", e);
                }
                HalfMadeWorktrees.checkGone(wt, repo.findWorktree(wt.path()).isPresent());
                return;
            }
            List<String> args = new ArrayList<>(List.of("worktree", "remove"));
            if (force) {
                args.addAll(List.of("--force", "--force")); // twice: once for changes, once for a lock
            }
            args.add(wt.path().toString());
            GitProcess.Result r = git.run(repo.workTree(), args);
            if (!r.ok()) {
                if (!force || !HalfMadeWorktrees.removeByHand(repo.commonDir(), wt)) {
                    throw GitProcess.failure("cannot remove worktree " + wt.path(), r);
                }
            }
            HalfMadeWorktrees.checkGone(wt, repo.findWorktree(wt.path()).isPresent());
        } finally {
            lock.unlock();
        }
    }

    List<Path> prune() {
        lock.lock();
        try {
            // git prune does not say what it removed, so ask which ones qualify first and check after.
            List<Path> prunable = repo.listWorktrees().stream().filter(Worktree::prunable).map(Worktree::path).toList();
            git.runOk(repo.workTree(), List.of("worktree", "prune"), "cannot prune the worktrees of " + repo.workTree());
            Set<Path> remaining = repo.listWorktrees().stream().map(Worktree::path).collect(Collectors.toSet());
            return prunable.stream().filter(p -> !remaining.contains(p)).toList();
        } finally {
            lock.unlock();
        }
    }

    void lock(Path path, String reason) {
        lock.lock();
        try {
            Worktree wt = linked(path, "lock");
            if (wt.locked()) {
                throw new GitException("cannot lock worktree " + wt.path() + ": it is already locked"
                        + wt.lockReason().map(r -> " (reason: " + r + ")").orElse("") + "; unlock it first");
            }
            List<String> args = new ArrayList<>(List.of("worktree", "lock"));
            if (reason != null && !reason.isEmpty()) {
                args.addAll(List.of("--reason", reason));
            }
            args.add(wt.path().toString());
            git.runOk(repo.workTree(), args, "cannot lock worktree " + wt.path());
        } finally {
            lock.unlock();
        }
    }

    void unlock(Path path) {
        lock.lock();
        try {
            Worktree wt = linked(path, "unlock");
            if (!wt.locked()) {
                throw new GitException("cannot unlock worktree " + wt.path() + ": it is not locked");
            }
            git.runOk(repo.workTree(), List.of("worktree", "unlock", wt.path().toString()),
                    "cannot unlock worktree " + wt.path());
        } finally {
            lock.unlock();
        }
    }

    private Worktree linked(Path path, String action) {
        Worktree wt = repo.requireWorktree(path, action);
        if (wt.main()) {
            throw new GitException("cannot " + action + " " + wt.path() + ": it is the main worktree of repository "
                    + repo.workTree() + ", which git never prunes; only linked worktrees can be locked");
        }
        return wt;
    }

    private void checkBranchName(String branch) {
        boolean valid = !branch.isEmpty() && !branch.startsWith("-") && !branch.equals("HEAD")
                && git.run(repo.workTree(), List.of("check-ref-format", "refs/heads/" + branch)).ok();
        if (!valid) {
            throw new GitException("cannot create a worktree on branch '" + branch + "': git does not accept it as"
                    + " a branch name (see 'git check-ref-format'); use letters, digits, '-', '_', '.' and '/'"
                    + " between parts");
        }
    }

    private void checkTarget(Path target) {
        if (CanonicalPaths.isInside(target, repo.commonDir())) {
            throw new GitException("cannot create worktree " + target + ": it is inside the git directory "
                    + repo.commonDir() + "; choose a folder outside it, such as one next to the repository");
        }
        for (Worktree wt : repo.listWorktrees()) {
            if (wt.path().equals(target)) {
                throw new GitException("cannot create worktree " + target + ": it is already registered as a worktree"
                        + (wt.prunable() ? " whose folder is gone; prune the worktrees first" : "")
                        + (wt.locked() ? " and is locked" : "") + "; choose another path");
            }
        }
        if (Files.exists(target)) {
            if (!Files.isDirectory(target)) {
                throw new GitException("cannot create worktree " + target + ": a file with that name exists;"
                        + " choose another path or move the file away");
            }
            if (!CanonicalPaths.isEmptyDirectory(target)) {
                throw new GitException("cannot create worktree " + target + ": the folder exists and is not empty;"
                        + " choose another path or empty it");
            }
        }
    }
}
