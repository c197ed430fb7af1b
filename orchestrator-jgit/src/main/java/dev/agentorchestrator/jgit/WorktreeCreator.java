package dev.agentorchestrator.jgit;

import dev.agentorchestrator.GitException;
import dev.agentorchestrator.Worktree;
import dev.agentorchestrator.internal.git.AtomicWorktreeCreate;
import dev.agentorchestrator.internal.git.HalfMadeWorktrees;
import dev.agentorchestrator.spi.WorktreeRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Makes a linked worktree as {@code git worktree add} does in C git 2.39 ({@code -b BRANCH PATH
 * BASE} for a new branch, {@code PATH BRANCH} for an existing one), but all or nothing:
 * everything is checked before anything is written, and {@link AtomicWorktreeCreate} writes the
 * administrative files and the checkout under temporary names and makes the worktree visible to
 * git with one rename at the end, so a kill at any instant leaves nothing git sees, or a whole
 * worktree; {@link #recover()} rolls back what a killed create left.
 */
final class WorktreeCreator {

    private final JGitRepository repo;
    private final AtomicWorktreeCreate.Steps steps = new JGitSteps();

    WorktreeCreator(JGitRepository repo) {
        this.repo = repo;
    }

    Worktree create(WorktreeRequest request) {
        Path path = request.path();
        String refName = Constants.R_HEADS + request.branch();
        ObjectId commit = request.createBranch() ? validate(request, refName) : validateExisting(request, refName);
        try {
            Path target = realParent(path);
            Path admin = AtomicWorktreeCreate.create(repo.commonDir(), target, request.branch(),
                    request.createBranch(), commit.name(), steps);
            String id = admin.getFileName().toString();
            return repo.worktrees().list().stream().filter(w -> id.equals(w.id())).findFirst()
                    .orElseThrow(() -> new IOException("the new worktree " + id + " is not listed"));
        } catch (IOException | RuntimeException e) {
            if (e instanceof GitException g) {
                throw g;
            }
            throw new GitException("Cannot create the worktree at " + path + " on branch '" + request.branch()
                    + "': " + e + (e.getSuppressed().length == 0 ? ". Nothing was left behind"
                    : ". Some of it could not be removed (" + Stream.of(e.getSuppressed()).map(Throwable::getMessage)
                    .collect(Collectors.joining("; ")) + "); recoverIncompleteWorktrees() retries that")
                    + "; fix the cause (disk space, permissions) and retry.", e);
        }
    }

    List<Path> recover() {
        try {
            return AtomicWorktreeCreate.recover(repo.commonDir(), steps);
        } catch (IOException e) {
            throw new GitException("Cannot roll back the unfinished worktree creates of " + repo.workTree() + ": "
                    + e.getMessage() + ". Remove what it names by hand, or retry.", e);
        }
    }

    /** The checkout and branch updates of a create, with JGit. */
    private final class JGitSteps implements AtomicWorktreeCreate.Steps {
        @Override
        public void checkout(Path adminDir, Path folder, String commit) throws IOException {
            try (Repository worktree = JGitRepository.openLinked(adminDir, folder);
                 RevWalk walk = new RevWalk(worktree)) {
                RevCommit parsed = walk.parseCommit(ObjectId.fromString(commit));
                new WorktreeCheckout(worktree).checkout(parsed.getTree(), adminDir.resolve(LinkedWorktreeAdmin.INDEX));
            }
        }

        @Override
        public void createBranch(String branch, String commit) throws IOException {
            RefUpdate update = repo.main().updateRef(Constants.R_HEADS + branch);
            update.setNewObjectId(ObjectId.fromString(commit));
            update.setExpectedOldObjectId(ObjectId.zeroId());
            update.setRefLogMessage("branch: Created from " + commit, false);
            RefUpdate.Result result;
            // JGit's reflog writer opens the log, and on "not found" makes its folder only when it
            // is still missing: two threads creating the first branches under a new folder
            // (feature/a, feature/b) can both miss it, and the one that loses the race fails with
            // FileNotFoundException (seen once in CI in worktreesCanBeCreatedFromSeveralThreadsAtOnce).
            // Ref creation takes microseconds, so creates in one JVM take turns here.
            synchronized (repo.main()) {
                result = update.update();
            }
            if (result != RefUpdate.Result.NEW) {
                throw new IOException("cannot create the branch '" + branch + "': " + result
                        + (result == RefUpdate.Result.LOCK_FAILURE
                        ? " (another process holds the ref lock, or the branch was created meanwhile)" : ""));
            }
        }

        @Override
        public void deleteBranchIfAt(String branch, String commit) throws IOException {
            if (repo.worktrees().list().stream().anyMatch(w -> w.branch().filter(branch::equals).isPresent())) {
                return;
            }
            RefUpdate update = repo.main().updateRef(Constants.R_HEADS + branch);
            update.setExpectedOldObjectId(ObjectId.fromString(commit));
            update.setForceUpdate(true);
            update.delete();
        }

        @Override
        public Optional<String> branchCommit(String branch) throws IOException {
            Ref ref = repo.main().exactRef(Constants.R_HEADS + branch);
            return ref == null || ref.getObjectId() == null ? Optional.empty() : Optional.of(ref.getObjectId().name());
        }
    }

    /** The tip of an existing branch, after checking it is the expected one and free to check out. */
    private ObjectId validateExisting(WorktreeRequest request, String refName) {
        String branch = request.branch();
        String what = "Cannot create the worktree at " + request.path() + " on the existing branch '" + branch + "': ";
        checkPath(request, what);
        Optional<ObjectId> tip = repo.branchExists(branch) ? repo.resolveCommit(refName) : Optional.empty();
        if (tip.isEmpty()) {
            throw new GitException(what + "there is no such branch in " + repo.workTree() + " (branches: "
                    + String.join(", ", branchNames()) + "). Restore the branch, or create a new one with"
                    + " WorktreeRequest.newBranch(path, branch, base).");
        }
        if (request.expectedCommit().isPresent()) {
            String expected = request.expectedCommit().get();
            Optional<ObjectId> expectedId = repo.resolveCommit(expected);
            if (expectedId.isEmpty()) {
                throw new GitException(what + "the expected commit " + expected + " is not in " + repo.workTree()
                        + " (the branch is at " + tip.get().name() + "). The commit was lost or never existed"
                        + " here; check the branch's reflog ('git reflog " + branch + "').");
            }
            if (!expectedId.get().equals(tip.get())) {
                throw new GitException(what + "the branch is at " + tip.get().name() + " but was expected at "
                        + expectedId.get().name() + " (" + relation(expectedId.get(), tip.get())
                        + "). It was changed outside this worktree; check it out at its actual commit with"
                        + " WorktreeRequest.existingBranch(path, branch), or reset the branch to the expected commit.");
            }
        }
        for (Worktree wt : repo.worktrees().list()) {
            if (wt.branch().filter(branch::equals).isPresent()) {
                throw new GitException(what + "it is already checked out in the worktree at " + wt.path()
                        + ", and a branch can be checked out in one worktree only; "
                        + HalfMadeWorktrees.freeingAdvice(wt) + ".");
            }
        }
        return tip.get();
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
            throw new GitException(what + "the branch '" + request.branch() + "' already exists. Check it out"
                    + " with WorktreeRequest.existingBranch(path, branch, expectedCommit), choose another branch"
                    + " name, or delete the old branch first.");
        }
        checkPath(request, what);
        return base.get();
    }

    private void checkPath(WorktreeRequest request, String what) {
        Path path = request.path();
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

    /** How {@code actual} relates to {@code expected}: ahead, behind, or diverged, with counts. */
    private String relation(ObjectId expected, ObjectId actual) {
        try {
            int ahead = count(actual, expected);
            int behind = count(expected, actual);
            if (behind == 0) {
                return ahead + " commit(s) ahead of the expected one";
            }
            if (ahead == 0) {
                return behind + " commit(s) behind the expected one";
            }
            return "diverged: " + ahead + " commit(s) not in the expected one, " + behind + " of it missing";
        } catch (IOException e) {
            return "their relation could not be read: " + e.getMessage();
        }
    }

    /** Commits reachable from {@code from} and not from {@code not}. */
    private int count(ObjectId from, ObjectId not) throws IOException {
        try (RevWalk walk = new RevWalk(repo.main())) {
            walk.markStart(walk.parseCommit(from));
            walk.markUninteresting(walk.parseCommit(not));
            int n = 0;
            while (walk.next() != null) {
                n++;
            }
            return n;
        }
    }

    private List<String> branchNames() {
        try {
            return repo.main().getRefDatabase().getRefsByPrefix(Constants.R_HEADS).stream()
                    .map(r -> Repository.shortenRefName(r.getName())).sorted().toList();
        } catch (IOException e) {
            return List.of("(unreadable: " + e.getMessage() + ")");
        }
    }

    private boolean hasCommits() {
        try {
            return !repo.main().getRefDatabase().getRefsByPrefix(Constants.R_REFS).isEmpty();
        } catch (IOException e) {
            throw new GitException("Cannot read the refs of " + repo.workTree() + ": " + e.getMessage(), e);
        }
    }
}
