package dev.agentorchestrator.jgit;

import dev.agentorchestrator.GitException;
import dev.agentorchestrator.Worktree;
import dev.agentorchestrator.spi.WorktreeRequest;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Makes a linked worktree the way {@code git worktree add -b BRANCH PATH BASE} does in C git
 * 2.39: everything is checked before anything is written; then the administrative folder
 * {@code .git/worktrees/<id>} is reserved (its creation is the atomic step that picks the id, so
 * concurrent adds get {@code id}, {@code id1}, ...) and locked "initializing" so that a concurrent
 * prune leaves it alone; then {@code gitdir}, the worktree's {@code .git} file, {@code commondir},
 * the branch, {@code HEAD}, the files and the {@code index} are written, and the lock is removed.
 * A failure at any step undoes the earlier ones.
 */
final class WorktreeCreator {

    private final JGitRepository repo;

    WorktreeCreator(JGitRepository repo) {
        this.repo = repo;
    }

    Worktree create(WorktreeRequest request) {
        Path path = request.path();
        String refName = Constants.R_HEADS + request.branch();
        ObjectId base = validate(request, refName);

        Rollback rollback = new Rollback();
        try {
            Path admin = reserveAdminDir(path);
            rollback.add(() -> FileOps.deleteRecursively(admin));
            FileOps.writeLine(admin.resolve(LinkedWorktreeAdmin.LOCKED), "initializing");

            boolean existed = Files.isDirectory(path);
            Files.createDirectories(path);
            rollback.add(existed ? () -> FileOps.deleteContents(path) : () -> FileOps.deleteRecursively(path));

            Path folder = path.toRealPath();
            FileOps.writeLine(admin.resolve(LinkedWorktreeAdmin.GITDIR), folder.resolve(".git").toString());
            FileOps.writeLine(folder.resolve(".git"), "gitdir: " + admin);
            FileOps.writeLine(admin.resolve(LinkedWorktreeAdmin.COMMONDIR), "../..");

            createBranch(refName, base, request.base());
            rollback.add(() -> deleteBranch(refName, base));
            FileOps.writeLine(admin.resolve(LinkedWorktreeAdmin.HEAD), "ref: " + refName);

            try (Repository worktree = JGitRepository.openLinked(admin, folder);
                 RevWalk walk = new RevWalk(worktree)) {
                RevCommit commit = walk.parseCommit(base);
                new WorktreeCheckout(worktree).checkout(commit.getTree(), admin.resolve(LinkedWorktreeAdmin.INDEX));
            }
            Files.delete(admin.resolve(LinkedWorktreeAdmin.LOCKED));
            String id = admin.getFileName().toString();
            return repo.worktrees().list().stream().filter(w -> id.equals(w.id())).findFirst()
                    .orElseThrow(() -> new IOException("the new worktree " + id + " is not listed"));
        } catch (IOException | RuntimeException e) {
            rollback.undo(e);
            if (e instanceof GitException g) {
                throw g;
            }
            throw new GitException("Cannot create the worktree at " + path + " on branch '" + request.branch()
                    + "': " + e + ". Nothing was left behind; fix the cause (disk space, permissions) and retry.", e);
        }
    }

    private ObjectId validate(WorktreeRequest request, String refName) {
        Path path = request.path();
        String what = "Cannot create the worktree at " + path + " on branch '" + request.branch() + "': ";
        if (!Repository.isValidRefName(refName)) {
            throw new GitException(what + "'" + request.branch() + "' is not a valid branch name (see"
                    + " git check-ref-format). Use letters, digits, '-', '_', '.' and '/' between parts.");
        }
        Optional<ObjectId> base = repo.resolveCommit(request.base());
        if (base.isEmpty()) {
            if (!hasCommits()) {
                throw new GitException(what + "the repository at " + repo.workTree() + " has no commits yet,"
                        + " so there is nothing to start the branch from. Make a first commit and retry.");
            }
            throw new GitException(what + "the base '" + request.base() + "' does not name a commit in "
                    + repo.workTree() + ". Pass an existing branch, tag or commit id as the base; the branches are: "
                    + String.join(", ", branchNames()) + ".");
        }
        if (repo.branchExists(request.branch())) {
            throw new GitException(what + "the branch '" + request.branch() + "' already exists. Choose"
                    + " another branch name, or delete the old branch first.");
        }
        if (path.startsWith(repo.commonDir()) || path.startsWith(repo.commonDir().toAbsolutePath().normalize())
                || realParent(path).startsWith(repo.commonDir())) {
            throw new GitException(what + "the folder is inside the git directory " + repo.commonDir()
                    + ", where git keeps its own files. Choose a folder outside it, such as next to the repository.");
        }
        try {
            if (Files.exists(path) && (!Files.isDirectory(path) || !FileOps.isEmptyFolder(path))) {
                throw new GitException(what + "'" + path + "' already exists"
                        + (Files.isDirectory(path) ? " and is not empty" : " and is a file")
                        + ". Choose a new folder, or an empty one.");
            }
        } catch (IOException e) {
            throw new GitException(what + "cannot read '" + path + "': " + e.getMessage(), e);
        }
        repo.worktrees().find(path).ifPresent(w -> {
            throw new GitException(what + "'" + path + "' is a missing but already registered worktree"
                    + (w.locked() ? " and is locked. Unlock it and prune" : ". Prune")
                    + " the stale worktrees (pruneWorktrees) or remove it first.");
        });
        return base.get();
    }

    /** The nearest existing ancestor of {@code path} with links resolved, then the rest of the path. */
    private static Path realParent(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(path));
        } catch (IOException e) {
            return path;
        }
    }

    private java.util.List<String> branchNames() {
        try {
            return repo.main().getRefDatabase().getRefsByPrefix(Constants.R_HEADS).stream()
                    .map(r -> Repository.shortenRefName(r.getName())).sorted().toList();
        } catch (IOException e) {
            return java.util.List.of("(unreadable: " + e.getMessage() + ")");
        }
    }

    private boolean hasCommits() {
        try {
            return !repo.main().getRefDatabase().getRefsByPrefix(Constants.R_REFS).isEmpty();
        } catch (IOException e) {
            throw new GitException("Cannot read the refs of " + repo.workTree() + ": " + e.getMessage(), e);
        }
    }

    /** Creates {@code .git/worktrees/<id>}, trying id, id1, id2... as git's mkdir loop does. */
    private Path reserveAdminDir(Path path) throws IOException {
        String id = WorktreeIds.baseId(path);
        Path root = repo.worktrees().adminRoot();
        Files.createDirectories(root);
        for (int attempt = 0; ; attempt++) {
            Path candidate = root.resolve(WorktreeIds.candidate(id, attempt));
            try {
                return Files.createDirectory(candidate);
            } catch (FileAlreadyExistsException taken) {
                // Taken by another worktree (perhaps being made right now); try the next number.
            }
        }
    }

    private void createBranch(String refName, ObjectId base, String baseName) throws IOException {
        RefUpdate update = repo.main().updateRef(refName);
        update.setNewObjectId(base);
        update.setExpectedOldObjectId(ObjectId.zeroId());
        update.setRefLogMessage("branch: Created from " + baseName, false);
        RefUpdate.Result result = update.update();
        if (result != RefUpdate.Result.NEW) {
            throw new GitException("Cannot create the branch '" + Repository.shortenRefName(refName) + "': "
                    + result + (result == RefUpdate.Result.LOCK_FAILURE
                    ? " (another process holds the ref lock, or the branch was created meanwhile)" : "")
                    + ". Retry, or choose another branch name.");
        }
    }

    /** Deletes the branch we made, but only while it still points where we put it. */
    private void deleteBranch(String refName, ObjectId expected) throws IOException {
        RefUpdate update = repo.main().updateRef(refName);
        update.setExpectedOldObjectId(expected);
        update.setForceUpdate(true);
        update.delete();
    }
}
