package dev.agentorchestrator.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentorchestrator.ChangedFile;
import dev.agentorchestrator.Divergence;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.Worktree;
import dev.agentorchestrator.testing.TestRepos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every {@link GitBackend} must do, run against real repositories made by the git binary.
 * A backend's test class extends this and implements {@link #backend()}; the reading half of the
 * suite is inherited from {@link GitBackendQueriesContract}.
 *
 * <pre>{@code
 * class JGitBackendContractTest extends GitBackendContract {
 *     protected GitBackend backend() { return new JGitBackend(); }
 * }
 * }</pre>
 *
 * <p>Paths are compared as real paths ({@code toRealPath}), and "nothing left behind" is checked
 * by comparing every file name under the temporary folder, {@code git worktree list} and the
 * branches before and after.
 */
public abstract class GitBackendContract extends GitBackendQueriesContract {

    @Test
    void createWorktreeMakesAFolderOnANewBranchThatGitAgreesWith() {
        Path repo = newRepo("repo");
        GitRepository r = open(repo);
        String base = head(repo, "main");
        Worktree wt = r.createWorktree(request(repo, "auth", "main"));

        Path folder = real(worktreePath(repo, "auth"));
        assertEquals(folder, wt.path());
        assertEquals(Optional.of("feature/auth"), wt.branch());
        assertEquals(Optional.of(base), wt.head());
        assertFalse(wt.main());
        assertFalse(wt.locked());
        assertFalse(wt.prunable());
        assertTrue(Files.isDirectory(real(repo.resolve(".git/worktrees").resolve(wt.id()))), "admin folder " + wt.id());
        assertEquals("hello\n", read(folder.resolve("README.md")));
        assertEquals(base, head(repo, "feature/auth"));
        assertEquals("feature/auth", git(folder, "rev-parse", "--abbrev-ref", "HEAD").trim());
        assertEquals("", git(folder, "status", "--porcelain"), "git sees a clean checkout");
        assertEquals(List.of(real(repo), folder), gitWorktreePaths(repo));
        assertEquals(Optional.of("main"), r.currentBranch(), "the main worktree stays on its branch");
    }

    @Test
    void createWorktreeStartsAtTheGivenCommitOrBranch() {
        Path repo = newRepo("repo");
        String first = head(repo, "HEAD");
        git(repo, "branch", "release");
        TestRepos.commitFiles(repo, Map.of("later.txt", "later\n"), "later");
        GitRepository r = open(repo);
        assertEquals(Optional.of(first), r.createWorktree(request(repo, "from-id", first)).head());
        assertEquals(Optional.of(first), r.createWorktree(request(repo, "from-release", "release")).head());
        assertEquals(first, head(repo, "feature/from-release"));
        assertFalse(Files.exists(worktreePath(repo, "from-release").resolve("later.txt")));
    }

    @Test
    void createWorktreeInARepositoryWithoutCommitsFailsClearlyAndWritesNothing() {
        Path repo = TestRepos.empty(temp.resolve("repo"));
        GitRepository r = open(repo);
        GitException e = assertFailsLeavingNoTrace(repo, () -> r.createWorktree(request(repo, "auth", "main")));
        assertTrue(e.getMessage().contains("no commits"), e.getMessage());
        assertFalse(Files.exists(worktreePath(repo, "auth")));
        assertEquals("", branches(repo));
    }

    @Test
    void createWorktreeFromAnUnknownBaseNamesTheBaseAndExistingBranches() {
        Path repo = newRepo("repo");
        git(repo, "branch", "develop");
        GitRepository r = open(repo);
        GitException e = assertFailsLeavingNoTrace(repo, () -> r.createWorktree(request(repo, "auth", "no-such-base")));
        assertTrue(e.getMessage().contains("no-such-base"), e.getMessage());
        assertTrue(e.getMessage().contains("main") && e.getMessage().contains("develop"), e.getMessage());
        assertFalse(Files.exists(worktreePath(repo, "auth")));
    }

    @Test
    void createWorktreeOnABranchThatExistsFailsAndLeavesTheBranchAlone() {
        Path repo = newRepo("repo");
        git(repo, "branch", "feature/auth");
        TestRepos.commitFiles(repo, Map.of("later.txt", "later\n"), "later");
        GitRepository r = open(repo);
        String before = head(repo, "feature/auth");
        GitException e = assertFailsLeavingNoTrace(repo, () -> r.createWorktree(request(repo, "auth", "main")));
        assertTrue(e.getMessage().contains("feature/auth"), e.getMessage());
        assertEquals(before, head(repo, "feature/auth"));
    }

    @Test
    void createWorktreeIntoANonEmptyFolderOrAFileFails() throws IOException {
        Path repo = newRepo("repo");
        GitRepository r = open(repo);
        Path taken = worktreePath(repo, "taken");
        TestRepos.writeFiles(taken, Map.of("precious.txt", "keep me\n"));
        GitException e = assertFailsLeavingNoTrace(repo, () -> r.createWorktree(request(repo, "taken", "main")));
        assertTrue(e.getMessage().contains(taken.getFileName().toString()), e.getMessage());
        assertEquals("keep me\n", read(taken.resolve("precious.txt")));
        assertFalse(r.branchExists("feature/taken"));

        Path file = worktreePath(repo, "file");
        Files.writeString(file, "a file\n");
        assertFailsLeavingNoTrace(repo, () -> r.createWorktree(request(repo, "file", "main")));
        assertEquals("a file\n", read(file));
    }

    @Test
    void createWorktreeIntoAnEmptyFolderWorks() throws IOException {
        Path repo = newRepo("repo");
        Files.createDirectories(worktreePath(repo, "empty"));
        Worktree wt = open(repo).createWorktree(request(repo, "empty", "main"));
        assertEquals(real(worktreePath(repo, "empty")), wt.path());
        assertTrue(Files.isRegularFile(wt.path().resolve("README.md")));
    }

    @Test
    void createWorktreeInsideTheGitDirectoryFails() {
        Path repo = newRepo("repo");
        GitRepository r = open(repo);
        assertFailsLeavingNoTrace(repo, () -> r.createWorktree(
                new WorktreeRequest(repo.resolve(".git/inside"), "feature/inside", "main")));
    }

    @Test
    void createWorktreeWorksWhileTheMainWorktreeIsDetached() {
        Path repo = newRepo("repo");
        git(repo, "checkout", "-q", "--detach");
        GitRepository r = open(repo);
        assertEquals(Optional.empty(), r.currentBranch());
        Worktree wt = r.createWorktree(request(repo, "auth", "main"));
        assertEquals(Optional.of("feature/auth"), wt.branch());
        Worktree main = r.listWorktrees().get(0);
        assertTrue(main.main());
        assertTrue(main.detached());
        assertEquals(Optional.of(head(repo, "HEAD")), main.head());
        assertEquals(Optional.empty(), r.currentBranch(), "the main worktree is still detached");
    }

    @Test
    void worktreesWorkInFoldersWithSpacesAndNonAsciiLetters() {
        assumeTrue("UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding", "UTF-8")),
                "the JVM cannot name non-ASCII files unless its file name encoding is UTF-8");
        Path repo = newRepo("my repo \u00fc");
        GitRepository r = open(repo);
        assertEquals(real(repo), r.workTree());
        Worktree wt = r.createWorktree(request(repo, "caf\u00e9", "main"));
        Path folder = real(worktreePath(repo, "caf\u00e9"));
        assertEquals(folder, wt.path());
        assertEquals(Optional.of("feature/caf\u00e9"), wt.branch());
        assertEquals(List.of(real(repo), folder), gitWorktreePaths(repo));
        assertEquals(wt, only(r.listWorktrees(), folder));
        assertEquals(Optional.of(wt), r.findWorktree(folder));
        TestRepos.writeFiles(folder, Map.of("\u00e9t\u00e9 notes.txt", "x\n"));
        assertEquals(List.of(ChangedFile.of("\u00e9t\u00e9 notes.txt", ChangedFile.Kind.ADDED)), r.uncommittedChanges(folder));
        r.removeWorktree(folder, true);
        assertFalse(Files.exists(folder));
        assertEquals(List.of(real(repo)), gitWorktreePaths(repo));
        r.deleteBranch("feature/caf\u00e9", true);
        assertEquals("refs/heads/main " + head(repo, "main") + "\n", branches(repo));
    }

    @Test
    void aWorktreeIsFoundLockedAndRemovedThroughASymbolicLinkToItsFolder() throws IOException {
        Path repo = newRepo("repo");
        GitRepository r = open(repo);
        Worktree wt = r.createWorktree(request(repo, "auth", "main"));
        Path link = Files.createSymbolicLink(temp.resolve("link"), temp);
        Path viaLink = link.resolve("repo.worktrees/auth");
        assertEquals(Optional.of(wt), r.findWorktree(viaLink));
        r.lockWorktree(viaLink, "via link");
        assertTrue(only(r.listWorktrees(), wt.path()).locked());
        r.unlockWorktree(viaLink);
        r.removeWorktree(viaLink, false);
        assertFalse(Files.exists(wt.path()));
        assertEquals(List.of(real(repo)), gitWorktreePaths(repo));
    }

    @Test
    void theMainWorktreesUncommittedChangesAreNeverTouched() {
        Path repo = newRepo("repo");
        TestRepos.writeFiles(repo, Map.of("README.md", "edited, not staged\n", "staged.txt", "staged\n",
                "notes/untracked.txt", "untracked\n"));
        git(repo, "add", "staged.txt");
        TestRepos.writeFiles(repo, Map.of("staged.txt", "staged, then edited again\n"));
        Map<String, String> files = contents(repo);
        String index = git(repo, "ls-files", "--stage");
        String status = git(repo, "status", "--porcelain=v1", "-z", "--untracked-files=all");

        GitRepository r = open(repo);
        Path folder = r.createWorktree(request(repo, "auth", "main")).path();
        assertFalse(Files.exists(folder.resolve("staged.txt")), "uncommitted work does not travel to the worktree");
        TestRepos.commitFiles(folder, Map.of("auth.txt", "auth\n"), "auth");
        assertThrows(GitException.class, () -> r.createWorktree(request(repo, "auth", "main")));
        assertThrows(GitException.class, () -> r.removeWorktree(repo, true));
        r.isDirty(repo);
        r.uncommittedChanges(repo);
        r.lockWorktree(folder, "busy");
        r.unlockWorktree(folder);
        r.removeWorktree(folder, true);
        r.pruneWorktrees();
        r.deleteBranch("feature/auth", true);

        assertEquals(files, contents(repo), "file bytes in the main worktree");
        assertEquals(index, git(repo, "ls-files", "--stage"), "the main worktree's index");
        assertEquals(status, git(repo, "status", "--porcelain=v1", "-z", "--untracked-files=all"));
    }

    @Test
    void listWorktreesShowsTheMainOneFirstThenLinkedOnesWithTheirIds() {
        Path repo = newRepo("repo");
        GitRepository r = open(repo);
        Worktree created = r.createWorktree(request(repo, "auth", "main"));
        Path detached = temp.resolve("detached");
        git(repo, "worktree", "add", "-q", "--detach", detached.toString(), "main");

        List<Worktree> all = r.listWorktrees();
        assertEquals(3, all.size(), all.toString());
        Worktree main = all.get(0);
        assertEquals(new Worktree(real(repo), "", Optional.of("main"), Optional.of(head(repo, "main")), true, false,
                Optional.empty(), false), main);
        assertEquals(created, only(all, worktreePath(repo, "auth")));
        Worktree d = only(all, detached);
        assertTrue(d.detached());
        assertEquals(Optional.of(head(repo, "main")), d.head());
        assertEquals(real(repo.resolve(".git/worktrees").resolve(d.id())),
                real(Path.of(read(detached.resolve(".git")).substring("gitdir: ".length()).trim())));
    }

    @Test
    void listWorktreesInARepositoryWithoutCommitsShowsTheMainOneWithoutHead() {
        Path repo = TestRepos.empty(temp.resolve("repo"));
        List<Worktree> all = open(repo).listWorktrees();
        assertEquals(1, all.size());
        assertEquals(real(repo), all.get(0).path());
        assertTrue(all.get(0).main());
        assertEquals(Optional.empty(), all.get(0).head());
    }

    @Test
    void removeWorktreeDeletesTheFolderAndRecordButKeepsTheBranch() {
        Path repo = newRepo("repo");
        GitRepository r = open(repo);
        Worktree wt = r.createWorktree(request(repo, "auth", "main"));
        String commit = TestRepos.commitFiles(wt.path(), Map.of("auth.txt", "auth\n"), "auth");
        r.removeWorktree(worktreePath(repo, "auth"), false);
        assertFalse(Files.exists(wt.path()));
        assertFalse(Files.exists(repo.resolve(".git/worktrees").resolve(wt.id())));
        assertEquals(List.of(real(repo)), gitWorktreePaths(repo));
        assertEquals(1, r.listWorktrees().size());
        assertEquals(commit, head(repo, "feature/auth"));
    }

    @Test
    void removeWorktreeRefusesTheMainWorktreeAndUnknownFolders() {
        Path repo = newRepo("repo");
        GitRepository r = open(repo);
        r.createWorktree(request(repo, "auth", "main"));
        assertFailsLeavingNoTrace(repo, () -> r.removeWorktree(repo, true));
        Path unknown = temp.resolve("unknown");
        GitException e = assertFailsLeavingNoTrace(repo, () -> r.removeWorktree(unknown, true));
        assertTrue(e.getMessage().contains("unknown"), e.getMessage());
    }

    @Test
    void removeWorktreeRefusesADirtyWorktreeUnlessForced() {
        Path repo = newRepo("repo");
        GitRepository r = open(repo);
        Path modified = r.createWorktree(request(repo, "modified", "main")).path();
        Path untracked = r.createWorktree(request(repo, "untracked", "main")).path();
        TestRepos.writeFiles(modified, Map.of("README.md", "changed\n"));
        TestRepos.writeFiles(untracked, Map.of("new/file.txt", "new\n"));
        for (Path folder : List.of(modified, untracked)) {
            assertTrue(r.isDirty(folder));
            assertFailsLeavingNoTrace(repo, () -> r.removeWorktree(folder, false));
            r.removeWorktree(folder, true);
            assertFalse(Files.exists(folder));
        }
        assertEquals(List.of(real(repo)), gitWorktreePaths(repo));
    }

    @Test
    void aLockedWorktreeIsNotRemovedWithoutForceAndNotPruned() throws IOException {
        Path repo = newRepo("repo");
        GitRepository r = open(repo);
        Path folder = r.createWorktree(request(repo, "auth", "main")).path();
        r.lockWorktree(folder, "agent running");
        Worktree locked = only(r.listWorktrees(), folder);
        assertTrue(locked.locked());
        assertEquals(Optional.of("agent running"), locked.lockReason());
        assertFailsLeavingNoTrace(repo, () -> r.removeWorktree(folder, false));

        deleteByHand(folder);
        assertEquals(List.of(), r.pruneWorktrees(), "a locked worktree is not pruned");
        assertTrue(only(r.listWorktrees(), folder).locked());
        assertFalse(only(r.listWorktrees(), folder).prunable(), "a locked worktree is not prunable");

        r.unlockWorktree(folder);
        assertEquals(List.of(folder), r.pruneWorktrees());
        assertEquals(List.of(real(repo)), gitWorktreePaths(repo));
    }

    @Test
    void aLockedWorktreeIsRemovedWithForce() {
        Path repo = newRepo("repo");
        GitRepository r = open(repo);
        Path folder = r.createWorktree(request(repo, "auth", "main")).path();
        r.lockWorktree(folder, "");
        Worktree locked = only(r.listWorktrees(), folder);
        assertTrue(locked.locked());
        assertEquals(Optional.empty(), locked.lockReason());
        r.removeWorktree(folder, true);
        assertFalse(Files.exists(folder));
        assertEquals(List.of(real(repo)), gitWorktreePaths(repo));
    }

    @Test
    void unlockClearsTheLockAndTheMainWorktreeCannotBeLocked() {
        Path repo = newRepo("repo");
        GitRepository r = open(repo);
        Path folder = r.createWorktree(request(repo, "auth", "main")).path();
        r.lockWorktree(folder, "why");
        r.unlockWorktree(folder);
        Worktree wt = only(r.listWorktrees(), folder);
        assertFalse(wt.locked());
        assertEquals(Optional.empty(), wt.lockReason());
        assertEquals("", git(repo, "worktree", "list", "--porcelain").lines()
                .filter(l -> l.startsWith("locked")).reduce("", String::concat));
        assertFailsLeavingNoTrace(repo, () -> r.lockWorktree(repo, "no"));
    }

    @Test
    void aWorktreeFolderDeletedByHandIsPrunedAndReported() throws IOException {
        Path repo = newRepo("repo");
        GitRepository r = open(repo);
        Worktree wt = r.createWorktree(request(repo, "auth", "main"));
        Worktree kept = r.createWorktree(request(repo, "kept", "main"));
        deleteByHand(wt.path());
        Worktree gone = only(r.listWorktrees(), wt.path());
        assertTrue(gone.prunable());
        assertFalse(only(r.listWorktrees(), kept.path()).prunable());

        assertEquals(List.of(wt.path()), r.pruneWorktrees());
        assertEquals(List.of(real(repo), kept.path()), gitWorktreePaths(repo));
        assertFalse(Files.exists(repo.resolve(".git/worktrees").resolve(wt.id())));
        assertTrue(r.branchExists("feature/auth"), "pruning keeps the branch");
        assertEquals(List.of(), r.pruneWorktrees());
    }

    @Test
    void aCommitMadeWithGitInAWorktreeIsSeenByTheBackend() {
        Path repo = newRepo("repo");
        GitRepository r = open(repo);
        Path folder = r.createWorktree(request(repo, "auth", "main")).path();
        TestRepos.writeFiles(folder, Map.of("auth.txt", "token\n"));
        assertEquals(List.of(ChangedFile.of("auth.txt", ChangedFile.Kind.ADDED)), r.uncommittedChanges(folder));
        String commit = TestRepos.commitFiles(folder, Map.of(), "auth");
        assertEquals(List.of(), r.uncommittedChanges(folder));
        assertEquals(Optional.of(commit), r.resolve("feature/auth"));
        assertEquals(Optional.of(commit), only(r.listWorktrees(), folder).head());
        assertEquals(new Divergence(1, 0), r.divergence("feature/auth", "main"));
        assertEquals(List.of(ChangedFile.of("auth.txt", ChangedFile.Kind.ADDED)), r.changedFiles("feature/auth", "main"));
    }

    @Test
    void deleteBranchDeletesMergedBranchesAndRefusesUnmergedOnesUnlessForced() {
        Path repo = newRepo("repo");
        git(repo, "branch", "merged");
        git(repo, "checkout", "-q", "-b", "unmerged");
        TestRepos.commitFiles(repo, Map.of("u.txt", "u\n"), "unmerged work");
        git(repo, "checkout", "-q", "main");
        GitRepository r = open(repo);

        r.deleteBranch("merged", false);
        assertFalse(r.branchExists("merged"));
        String tip = head(repo, "unmerged");
        assertFailsLeavingNoTrace(repo, () -> r.deleteBranch("unmerged", false));
        assertEquals(tip, head(repo, "unmerged"));
        r.deleteBranch("unmerged", true);
        assertEquals("refs/heads/main " + head(repo, "main") + "\n", branches(repo));
        GitException e = assertFailsLeavingNoTrace(repo, () -> r.deleteBranch("no-such-branch", true));
        assertTrue(e.getMessage().contains("no-such-branch"), e.getMessage());
    }

    @Test
    void deleteBranchRefusesABranchCheckedOutInAWorktreeEvenWhenForced() {
        Path repo = newRepo("repo");
        GitRepository r = open(repo);
        r.createWorktree(request(repo, "auth", "main"));
        assertFailsLeavingNoTrace(repo, () -> r.deleteBranch("feature/auth", true));
        assertFailsLeavingNoTrace(repo, () -> r.deleteBranch("main", true));
    }

    @Test
    void worktreesCanBeCreatedFromSeveralThreadsAtOnce() throws Exception {
        Path repo = newRepo("repo");
        GitRepository r = open(repo);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Worktree>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String name = "parallel-" + i;
                futures.add(pool.submit(() -> r.createWorktree(request(repo, name, "main"))));
            }
            for (Future<Worktree> f : futures) {
                assertTrue(Files.isRegularFile(f.get().path().resolve("README.md")));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(5, gitWorktreePaths(repo).size());
        assertEquals(5, r.listWorktrees().size());
    }
}
