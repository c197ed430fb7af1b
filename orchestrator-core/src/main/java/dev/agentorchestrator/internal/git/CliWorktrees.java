package dev.agentorchestrator.internal.git;

import dev.agentorchestrator.ChangedFile;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.Worktree;
import dev.agentorchestrator.spi.WorktreeRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The worktree changes of {@link CliGitRepository}: create, remove, prune, lock and unlock. Each
 * checks everything it can before git writes anything, and {@link #create} removes what was
 * written when git fails half-way, so that a failed call leaves the repository as it was.
 */
final class CliWorktrees {

    /**
     * One lock per repository (by common dir) in this JVM: the clean-up after a failed create must
     * not mistake a worktree or branch that a concurrent call made for its own.
     */
    private static final ConcurrentMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final CliGitRepository repo;
    private final GitProcess git;
    private final ReentrantLock lock;

    CliWorktrees(CliGitRepository repo, GitProcess git) {
        this.repo = repo;
        this.git = git;
        this.lock = LOCKS.computeIfAbsent(repo.commonDir(), dir -> new ReentrantLock());
    }

    /** What existed before a create, so that a failure can take away exactly what it added. */
    private record Before(Set<String> adminIds, boolean adminFolderExisted, boolean targetExisted, Path firstMissing) {
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
            String baseCommit = repo.requireCommit(request.base(), "base");
            if (repo.branchExists(branch)) {
                throw new GitException("cannot create worktree " + target + ": branch '" + branch + "' already exists"
                        + " in repository " + repo.workTree() + " (at " + repo.resolve(branch).orElse("?") + ");"
                        + " choose another feature name, or delete the branch first");
            }
            checkTarget(target);
            Before before = new Before(adminFolderNames(), Files.isDirectory(adminFolder()), Files.exists(target),
                    CanonicalPaths.firstMissing(target));
            try {
                // The base goes in as a commit id: the branch then starts exactly where we checked,
                // and git sets up no upstream tracking for a remote base (JGit does not either).
                git.runOk(repo.workTree(), List.of("worktree", "add", "-b", branch, target.toString(), baseCommit),
                        "cannot create worktree " + target + " on new branch '" + branch + "' from '"
                                + request.base() + "'");
                return repo.findWorktree(target).orElseThrow(() -> new GitException(
                        "git created worktree " + target + " but does not list it"));
            } catch (RuntimeException e) {
                String leftOver = undoCreate(before, target, branch, baseCommit);
                throw new GitException(e.getMessage() + (leftOver.isEmpty()
                        ? "; everything written for the worktree was removed again"
                        : "; could not remove everything written for it, remove by hand: " + leftOver), e);
            }
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
            List<String> args = new ArrayList<>(List.of("worktree", "remove"));
            if (force) {
                args.addAll(List.of("--force", "--force")); // twice: once for changes, once for a lock
            }
            args.add(wt.path().toString());
            git.runOk(repo.workTree(), args, "cannot remove worktree " + wt.path());
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

    /** Takes away what a failed create added; returns what could not be removed (empty when all went). */
    private String undoCreate(Before before, Path target, String branch, String baseCommit) {
        List<String> leftOver = new ArrayList<>();
        Path admin = adminFolder();
        for (String id : adminFolderNames()) {
            Path record = admin.resolve(id);
            if (!before.adminIds().contains(id) && pointsAtOrIncomplete(record, target)) {
                tryDelete(() -> CanonicalPaths.deleteRecursively(record), record, leftOver);
            }
        }
        if (!before.adminFolderExisted() && Files.isDirectory(admin) && CanonicalPaths.isEmptyDirectory(admin)) {
            tryDelete(() -> CanonicalPaths.deleteRecursively(admin), admin, leftOver);
        }
        if (before.targetExisted()) {
            tryDelete(() -> emptyFolder(target), target, leftOver);
        } else {
            tryDelete(() -> CanonicalPaths.deleteRecursively(target), target, leftOver);
            if (before.firstMissing() != null && target.getParent() != null) {
                CanonicalPaths.deleteEmptyFolders(target.getParent(), before.firstMissing().getParent());
            }
        }
        // The old-value check deletes the branch only while it still points where git created it.
        GitProcess.Result r = git.run(repo.workTree(), List.of("update-ref", "-d", "refs/heads/" + branch, baseCommit));
        if (!r.ok() && repo.branchExists(branch)) {
            leftOver.add("branch '" + branch + "'");
        }
        return String.join(", ", leftOver);
    }

    private static boolean pointsAtOrIncomplete(Path record, Path target) {
        Path gitdir = record.resolve("gitdir");
        if (!Files.isRegularFile(gitdir)) {
            return true;
        }
        try {
            Path dotGit = record.resolve(Files.readString(gitdir, StandardCharsets.UTF_8).strip());
            return dotGit.getParent() != null && CanonicalPaths.canonical(dotGit.getParent()).equals(target);
        } catch (IOException e) {
            return true;
        }
    }

    private static void emptyFolder(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            entries.toList().forEach(CanonicalPaths::deleteRecursively);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void tryDelete(Runnable delete, Path what, List<String> leftOver) {
        try {
            delete.run();
        } catch (RuntimeException e) {
            leftOver.add(what.toString());
        }
    }

    private Path adminFolder() {
        return repo.commonDir().resolve("worktrees");
    }

    private Set<String> adminFolderNames() {
        Path admin = adminFolder();
        if (!Files.isDirectory(admin)) {
            return Set.of();
        }
        try (Stream<Path> dirs = Files.list(admin)) {
            return dirs.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new GitException("cannot read the worktree records in " + admin + ": " + e.getMessage(), e);
        }
    }
}
