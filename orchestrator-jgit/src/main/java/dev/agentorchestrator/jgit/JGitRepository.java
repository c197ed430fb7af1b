package dev.agentorchestrator.jgit;

import dev.agentorchestrator.ChangedFile;
import dev.agentorchestrator.DiffStat;
import dev.agentorchestrator.Divergence;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.Worktree;
import dev.agentorchestrator.spi.CommitRequest;
import dev.agentorchestrator.spi.GitRepository;
import dev.agentorchestrator.spi.MergePreview;
import dev.agentorchestrator.spi.ReplayResult;
import dev.agentorchestrator.spi.WorktreeRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.errors.AmbiguousObjectException;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * A repository opened by {@link JGitBackend}. It holds one JGit {@link Repository} on the common
 * git directory and the main working tree (JGit's repository objects are safe to share between
 * threads); a linked worktree's own repository (its HEAD and index) is opened per call.
 */
final class JGitRepository implements GitRepository {

    private final Repository main;
    private final Path workTree;
    private final Path commonDir;
    private final JGitWorktrees worktrees;
    private final WorktreeCreator creator;
    private final JGitDiffs diffs;
    private final JGitBranches branches;
    private final JGitMerges merges;
    private final JGitWorktreeAdvance advance;
    private final JGitReplay replay;

    private JGitRepository(Repository main, Path workTree, Path commonDir) {
        this.main = main;
        this.workTree = workTree;
        this.commonDir = commonDir;
        this.diffs = new JGitDiffs(main);
        this.worktrees = new JGitWorktrees(this);
        this.creator = new WorktreeCreator(this);
        this.branches = new JGitBranches(this);
        this.merges = new JGitMerges(this);
        this.advance = new JGitWorktreeAdvance(this);
        this.replay = new JGitReplay(this, merges);
    }

    static JGitRepository open(Path directory) {
        Path start = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(start)) {
            throw new GitException("Cannot open a git repository at " + start
                    + ": no such folder. Pass the folder of a git working tree.");
        }
        FileRepositoryBuilder found = new FileRepositoryBuilder().findGitDir(start.toFile());
        if (found.getGitDir() == null) {
            throw new GitException("Cannot open a git repository at " + start
                    + ": neither it nor any parent folder is inside a git working tree."
                    + " Run 'git init' there or pass the folder of an existing repository.");
        }
        try {
            found.setup();
            if (found.isBare()) {
                throw bare(start);
            }
            Path commonDir = found.getGitCommonDir().toPath().toRealPath();
            // Open the main worktree through the common directory, whichever worktree we were
            // pointed at: branch and worktree operations are about the whole repository.
            FileRepositoryBuilder mainBuilder = new FileRepositoryBuilder().setGitDir(commonDir.toFile())
                    .setMustExist(true).setup();
            if (mainBuilder.isBare() || mainBuilder.getWorkTree() == null) {
                throw bare(start);
            }
            Repository main = mainBuilder.build();
            return new JGitRepository(main, mainBuilder.getWorkTree().toPath().toRealPath(), commonDir);
        } catch (IOException | IllegalArgumentException e) {
            throw new GitException("Cannot open the git repository at " + found.getGitDir() + " (found from "
                    + start + "): " + e.getMessage() + ". Check that the folder is a readable git repository.", e);
        }
    }

    private static GitException bare(Path start) {
        return new GitException("The repository at " + start + " is bare: it has no working tree to make"
                + " worktrees from. Clone it into a normal (non-bare) repository and open that.");
    }

    Repository main() {
        return main;
    }

    JGitDiffs diffs() {
        return diffs;
    }

    JGitWorktrees worktrees() {
        return worktrees;
    }

    /** Opens the JGit repository of a linked worktree: its own HEAD and index, the shared objects. */
    static Repository openLinked(Path adminDir, Path folder) throws IOException {
        return new FileRepositoryBuilder().setGitDir(adminDir.toFile()).setWorkTree(folder.toFile())
                .setMustExist(true).build();
    }

    /** The repository of the worktree at {@code path}, main or linked; the caller closes it. */
    Repository openWorktree(Path path) {
        Worktree wt = worktrees.find(path).orElseThrow(() -> new GitException("'" + path
                + "' is not a worktree of the repository at " + workTree + ". Pass the folder of the main"
                + " worktree or of one listed by listWorktrees()."));
        if (wt.main()) {
            main.incrementOpen();
            return main;
        }
        try {
            return openLinked(commonDir.resolve("worktrees").resolve(wt.id()), wt.path());
        } catch (IOException e) {
            throw new GitException("Cannot open the worktree at " + wt.path() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Path workTree() {
        return workTree;
    }

    @Override
    public Path commonDir() {
        return commonDir;
    }

    @Override
    public Optional<String> currentBranch() {
        try {
            Ref head = main.exactRef(Constants.HEAD);
            if (head != null && !head.isSymbolic()) {
                return Optional.empty();
            }
            String full = main.getFullBranch();
            return full != null && full.startsWith(Constants.R_HEADS)
                    ? Optional.of(full.substring(Constants.R_HEADS.length())) : Optional.empty();
        } catch (IOException e) {
            throw new GitException("Cannot read HEAD of " + workTree + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean branchExists(String branch) {
        try {
            return Repository.isValidRefName(Constants.R_HEADS + branch)
                    && main.exactRef(Constants.R_HEADS + branch) != null;
        } catch (IOException e) {
            throw new GitException("Cannot read branch '" + branch + "' of " + workTree + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> branchesStartingWith(String prefix) {
        try {
            return main.getRefDatabase().getRefsByPrefix(Constants.R_HEADS + prefix).stream()
                    .map(ref -> ref.getName().substring(Constants.R_HEADS.length())).sorted().toList();
        } catch (IOException e) {
            throw new GitException("Cannot list the branches of " + workTree + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> resolve(String revision) {
        return resolveCommit(revision).map(ObjectId::name);
    }

    /** The commit a revision names, empty when it names none (or names something not a commit). */
    Optional<ObjectId> resolveCommit(String revision) {
        if (revision == null || revision.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(main.resolve(revision + "^{commit}"));
        } catch (RevisionSyntaxException | MissingObjectException | IncorrectObjectTypeException
                 | AmbiguousObjectException e) {
            // git rev-parse --verify fails on these too: not a commit this repository has.
            return Optional.empty();
        } catch (IOException e) {
            throw new GitException("Cannot resolve '" + revision + "' in " + workTree + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Worktree createWorktree(WorktreeRequest request) {
        return creator.create(request);
    }

    @Override
    public List<Worktree> listWorktrees() {
        return worktrees.list();
    }

    @Override
    public Optional<Worktree> findWorktree(Path path) {
        return worktrees.find(path);
    }

    @Override
    public void removeWorktree(Path path, boolean force) {
        worktrees.remove(path, force);
    }

    @Override
    public List<Path> pruneWorktrees() {
        return worktrees.prune();
    }

    @Override
    public void lockWorktree(Path path, String reason) {
        worktrees.lock(path, reason);
    }

    @Override
    public void unlockWorktree(Path path) {
        worktrees.unlock(path);
    }

    @Override
    public void deleteBranch(String branch, boolean force) {
        branches.delete(branch, force);
    }

    @Override
    public Divergence divergence(String branch, String base) {
        return diffs.divergence(commit(branch, "branch"), commit(base, "base"));
    }

    @Override
    public List<ChangedFile> changedFiles(String branch, String base) {
        return diffs.changedFiles(commit(branch, "branch"), commit(base, "base"), branch, base);
    }

    @Override
    public DiffStat diffStat(String branch, String base) {
        return diffs.diffStat(commit(branch, "branch"), commit(base, "base"), branch, base);
    }

    @Override
    public List<ChangedFile> uncommittedChanges(Path worktree) {
        try (Repository repo = openWorktree(worktree)) {
            return diffs.uncommittedChanges(repo);
        }
    }

    @Override
    public List<String> commitsBetween(String base, String tip) {
        try (org.eclipse.jgit.revwalk.RevWalk walk = new org.eclipse.jgit.revwalk.RevWalk(main)) {
            walk.markStart(walk.parseCommit(commit(tip, "tip")));
            walk.markUninteresting(walk.parseCommit(commit(base, "base")));
            walk.sort(org.eclipse.jgit.revwalk.RevSort.TOPO, true);
            walk.sort(org.eclipse.jgit.revwalk.RevSort.REVERSE, true);
            List<String> out = new java.util.ArrayList<>();
            for (org.eclipse.jgit.revwalk.RevCommit c : walk) {
                out.add(c.name());
            }
            return out;
        } catch (java.io.IOException e) {
            throw new GitException("cannot list the commits between " + base + " and " + tip + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String commitAll(Path worktree, String message) {
        try (Repository repo = openWorktree(worktree); org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.wrap(repo)) {
            git.add().addFilepattern(".").call();
            git.add().addFilepattern(".").setUpdate(true).call(); // deletions too
            dev.agentorchestrator.spi.GitIdentity who = merges.configuredIdentity();
            org.eclipse.jgit.lib.PersonIdent person = new org.eclipse.jgit.lib.PersonIdent(who.name(), who.email());
            return git.commit().setMessage(message).setAuthor(person).setCommitter(person).setNoVerify(true).call().name();
        } catch (org.eclipse.jgit.api.errors.GitAPIException e) {
            throw new GitException("cannot commit the changes in worktree " + worktree + ": " + e.getMessage(), e);
        }
    }

    @Override
    public MergePreview mergeTree(String ours, String theirs) {
        return merges.mergeTree(ours, theirs);
    }

    @Override
    public String commitTree(CommitRequest request) {
        return merges.commitTree(request);
    }

    @Override
    public void updateBranch(String branch, String newCommit, String expectedOldCommit) {
        merges.updateBranch(branch, newCommit, expectedOldCommit);
    }

    @Override
    public List<String> uncommittedChangesInTheWay(Path worktree, String fromCommit, String toCommit) {
        return advance.inTheWay(worktree, fromCommit, toCommit);
    }

    @Override
    public void advanceWorktree(Path worktree, String fromCommit, String toCommit) {
        advance.advance(worktree, fromCommit, toCommit);
    }

    @Override
    public ReplayResult replay(List<String> commits, String onto) {
        return replay.replay(commits, onto);
    }

    ObjectId commit(String revision, String role) {
        return resolveCommit(revision).orElseThrow(() -> new GitException("The " + role + " '" + revision
                + "' does not name a commit in " + workTree + ". Pass an existing branch, tag or commit id."));
    }

    @Override
    public List<Path> recoverIncompleteWorktrees() {
        return creator.recover();
    }

    @Override
    public void close() {
        main.close();
    }

    @Override
    public String toString() {
        return "JGitRepository[" + workTree + "]";
    }

}
