package dev.agentorchestrator.spi;

import static dev.agentorchestrator.spi.RepositoryHealth.assertEveryWorktreeWhole;
import static dev.agentorchestrator.spi.RepositoryHealth.assertFsckPasses;
import static dev.agentorchestrator.spi.RepositoryHealth.assertNothingJournaled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.GitException;
import dev.agentorchestrator.Worktree;
import dev.agentorchestrator.internal.git.AtomicWorktreeCreate;
import dev.agentorchestrator.internal.git.AtomicWorktreeRemove;
import dev.agentorchestrator.testing.GeneratedRepos;
import dev.agentorchestrator.testing.TestRepos;
import dev.agentorchestrator.testing.WorktreeChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every {@link GitBackend} must do when a worktree create is interrupted, when a worktree
 * is half-made, and when a session's worktree is made again on its existing branch. A backend's
 * test class extends this and implements {@link #backend()}, as for {@link GitBackendContract}.
 * The kills are real: a child JVM (and any git it runs) is SIGKILLed at each step of a create.
 */
public abstract class GitBackendRecoveryContract extends GitBackendContractSupport {

    private void killAt(Path repo, String step, Path path, String branch, String base) {
        Path ready = temp.resolve("ready-" + step + "-" + System.nanoTime());
        try (WorktreeChildJvm child = WorktreeChildJvm.start(temp, "pause", backend().getClass().getName(),
                repo.toString(), step, path.toString(), branch, base, ready.toString())) {
            child.awaitFile(ready, 120_000);
            child.killGroup();
        }
    }

    @Test
    void aCreateKilledAtAnyStepLeavesNothingGitSeesOrAWholeWorktreeAndRecoveryRollsItBack() {
        Path repo = GeneratedRepos.generate(temp.resolve("repo"), 300, 1);
        String main = head(repo, "main");
        for (String step : AtomicWorktreeCreate.STEPS) {
            String when = "after a kill at step '" + step + "'";
            Path path = worktreePath(repo, "killed");
            killAt(repo, step, path, "feature/killed", "main");

            boolean finished = step.equals("visible");
            assertFsckPasses(repo, when + ", before recovery");
            assertEquals(finished ? List.of(real(repo), real(path)) : List.of(real(repo)), gitWorktreePaths(repo), when);
            assertEveryWorktreeWhole(repo, List.of(), when + ", before recovery");

            GitRepository r = open(repo);
            List<Path> rolledBack = r.recoverIncompleteWorktrees();
            assertEquals(finished ? List.of() : List.of(real(path)), rolledBack.stream().map(GitBackendContractSupport::real).toList(), when);
            assertNothingJournaled(repo, when + ", after recovery");
            assertFsckPasses(repo, when + ", after recovery");
            assertEquals(List.of(), RepositoryHealth.stagingFolders(path.getParent()), when);
            if (finished) {
                assertEveryWorktreeWhole(repo, List.of(path), when);
                r.removeWorktree(path, false);
                r.deleteBranch("feature/killed", true);
            } else {
                assertFalse(Files.exists(path), "the half-made folder is gone " + when);
                assertFalse(r.branchExists("feature/killed"), "the branch the create made is gone " + when);
            }
            assertEquals(List.of(), r.recoverIncompleteWorktrees(), "a second recovery finds nothing " + when);

            // The same create succeeds now.
            Worktree again = r.createWorktree(request(repo, "killed", "main"));
            assertEquals(Optional.of(main), again.head());
            assertEveryWorktreeWhole(repo, List.of(path), when + ", created again");
            r.removeWorktree(path, false);
            r.deleteBranch("feature/killed", true);
        }
        assertEquals("refs/heads/main " + main + "\n", branches(repo));
    }

    @Test
    void aRemovalKilledAtAnyStepLeavesAWholeWorktreeOrNoneListedAndRecoveryFinishesIt() {
        Path repo = GeneratedRepos.generate(temp.resolve("repo"), 300, 3);
        String main = head(repo, "main");
        for (String step : AtomicWorktreeRemove.STEPS) {
            String when = "after a kill of a removal at step '" + step + "'";
            Path path = worktreePath(repo, "removed");
            open(repo).createWorktree(request(repo, "removed", "main"));
            Path ready = temp.resolve("ready-remove-" + step);
            try (WorktreeChildJvm child = WorktreeChildJvm.start(temp, "pause-remove", backend().getClass().getName(),
                    repo.toString(), step, path.toString(), ready.toString())) {
                child.awaitFile(ready, 120_000);
                child.killGroup();
            }

            boolean stillListed = step.equals("journal");
            assertFsckPasses(repo, when + ", before recovery");
            assertEquals(stillListed ? List.of(real(repo), real(path)) : List.of(real(repo)), gitWorktreePaths(repo), when);
            assertEveryWorktreeWhole(repo, stillListed ? List.of(path) : List.of(), when + ", before recovery");

            GitRepository r = open(repo);
            assertEquals(List.of(), r.recoverIncompleteWorktrees(), "a removal is not a rolled-back create " + when);
            assertNothingJournaled(repo, when + ", after recovery");
            assertFsckPasses(repo, when + ", after recovery");
            assertEquals(List.of(), RepositoryHealth.stagingFolders(path.getParent()), when);
            assertEquals(stillListed, Files.exists(path), "the folder is gone unless the removal had not begun " + when);
            assertEquals(main, head(repo, "feature/removed"), "the branch is kept " + when);
            if (stillListed) {
                r.removeWorktree(path, false);
            }
            assertEquals(List.of(real(repo)), gitWorktreePaths(repo), when + ", after recovery");
            r.deleteBranch("feature/removed", true);
        }
    }

    @Test
    void recoveryOfAKilledCreateOnAnExistingBranchKeepsTheBranch() {
        Path repo = GeneratedRepos.generate(temp.resolve("repo"), 100, 2);
        git(repo, "branch", "feature/kept");
        String tip = TestRepos.commitFiles(repo, Map.of("x.txt", "x\n"), "on main");
        git(repo, "update-ref", "refs/heads/feature/kept", tip);
        Path path = worktreePath(repo, "kept");
        for (String step : List.of("checked-out", "moved", "branch")) {
            killAt(repo, step, path, "existing:feature/kept", tip);
            GitRepository r = open(repo);
            assertEquals(List.of(real(path)), r.recoverIncompleteWorktrees().stream().map(GitBackendContractSupport::real).toList());
            assertEquals(tip, head(repo, "feature/kept"), "the existing branch is kept after a kill at " + step);
            assertFsckPasses(repo, "after a kill at " + step);
            assertFalse(Files.exists(path));
        }
        GitRepository r = open(repo);
        assertEquals(Optional.of("feature/kept"), r.createWorktree(WorktreeRequest.existingBranch(path, "feature/kept", tip)).branch());
    }

    @Test
    void recoveryNeverTouchesWorktreesMadeByHandEvenLockedInitializing() {
        Path repo = newRepo("repo");
        Path byHand = worktreePath(repo, "by-hand");
        git(repo, "worktree", "add", "-q", "-b", "by-hand", byHand.toString(), "main");
        git(repo, "worktree", "lock", "--reason", "initializing", byHand.toString());
        Snapshot before = snapshot(repo);
        assertEquals(List.of(), open(repo).recoverIncompleteWorktrees());
        assertEquals(before, snapshot(repo));
    }

    @Test
    void anExistingBranchIsCheckedOutAtItsCommitAgain() {
        Path repo = newRepo("repo");
        GitRepository r = open(repo);
        Path path = worktreePath(repo, "auth");
        r.createWorktree(request(repo, "auth", "main"));
        String work = TestRepos.commitFiles(path, Map.of("auth.txt", "auth\n"), "work");
        r.removeWorktree(path, false);
        assertFalse(Files.exists(path));

        Worktree wt = r.createWorktree(WorktreeRequest.existingBranch(path, "feature/auth", work));
        assertEquals(Optional.of("feature/auth"), wt.branch());
        assertEquals(Optional.of(work), wt.head());
        assertEquals(work, head(repo, "feature/auth"), "the branch did not move");
        assertEquals("auth\n", read(path.resolve("auth.txt")));
        assertEquals("", git(path, "status", "--porcelain", "--untracked-files=all"));
        assertFsckPasses(repo, "after checking out an existing branch");

        r.removeWorktree(path, false);
        assertEquals(Optional.of(work), r.createWorktree(WorktreeRequest.existingBranch(path, "feature/auth")).head(),
                "without an expected commit the branch is taken where it is");
    }

    @Test
    void anExistingBranchElsewhereThanExpectedIsRefusedNamingBothCommits() {
        Path repo = newRepo("repo");
        String first = head(repo, "main");
        git(repo, "branch", "feature/auth");
        GitRepository r = open(repo);
        Path path = worktreePath(repo, "auth");
        Path other = worktreePath(repo, "other");
        r.createWorktree(new WorktreeRequest(other, "other", "feature/auth"));
        String moved = TestRepos.commitFiles(other, Map.of("a.txt", "a\n"), "moved on");
        r.removeWorktree(other, false);
        git(repo, "update-ref", "refs/heads/feature/auth", moved);

        GitException e = assertFailsLeavingNoTrace(repo,
                () -> r.createWorktree(WorktreeRequest.existingBranch(path, "feature/auth", first)));
        assertTrue(e.getMessage().contains(first) && e.getMessage().contains(moved), e.getMessage());
        assertTrue(e.getMessage().contains("1 commit(s) ahead"), e.getMessage());

        e = assertFailsLeavingNoTrace(repo, () -> r.createWorktree(WorktreeRequest.existingBranch(path, "feature/none")));
        assertTrue(e.getMessage().contains("feature/none") && e.getMessage().contains("newBranch"), e.getMessage());

        e = assertFailsLeavingNoTrace(repo, () -> r.createWorktree(new WorktreeRequest(path, "feature/auth", "main")));
        assertTrue(e.getMessage().contains("existingBranch"), "a new-branch request on an existing branch points at"
                + " existingBranch: " + e.getMessage());

        r.createWorktree(WorktreeRequest.existingBranch(path, "feature/auth", moved));
        e = assertFailsLeavingNoTrace(repo,
                () -> r.createWorktree(WorktreeRequest.existingBranch(worktreePath(repo, "twice"), "feature/auth")));
        assertTrue(e.getMessage().contains(real(path).toString()), "names where it is checked out: " + e.getMessage());
    }

    @Test
    void forcedRemovalTakesAWorktreeThatGitLeftHalfMadeWithoutHead() throws IOException {
        // What 'git worktree add' leaves when killed at once: a locked admin folder without HEAD.
        Path repo = newRepo("repo");
        Path path = real(Files.createDirectories(worktreePath(repo, "half")));
        Path admin = Files.createDirectories(repo.resolve(".git/worktrees/half"));
        Files.writeString(admin.resolve("gitdir"), path.resolve(".git") + "\n");
        Files.writeString(admin.resolve("locked"), "initializing\n");
        Files.writeString(path.resolve(".git"), "gitdir: " + real(admin) + "\n");
        assertNotEquals(0, TestRepos.tryGit(repo, "fsck", "--full").exitCode(), "git fsck fails on this damage");

        GitRepository r = open(repo);
        assertEquals(List.of(), r.recoverIncompleteWorktrees(), "not made by the library, so not recovered");
        r.removeWorktree(path, true);
        assertFalse(Files.exists(path));
        assertEquals(List.of(real(repo)), gitWorktreePaths(repo));
        assertFsckPasses(repo, "after the forced removal");
    }

    @Test
    void forcedRemovalTakesAWorktreeKilledHalfWayThroughGitWorktreeAdd() {
        Path repo = GeneratedRepos.generate(temp.resolve("repo"), 5000, 3);
        Path path = worktreePath(repo, "half");
        HalfMadeByGit.killGitWorktreeAddMidway(repo, path, "feature/half", temp);
        // Today's damage, as git shows it.
        String list = git(repo, "worktree", "list", "--porcelain");
        assertTrue(list.contains("locked initializing"), list);
        TestRepos.Result delete = TestRepos.tryGit(repo, "branch", "-D", "feature/half");
        assertTrue(delete.exitCode() != 0 && delete.output().contains("checked out"), delete.output());

        GitRepository r = open(repo);
        GitException e = assertFailsLeavingNoTrace(repo, () -> r.deleteBranch("feature/half", true));
        assertTrue(e.getMessage().contains("remove"), "the advice names removing the worktree: " + e.getMessage());
        r.removeWorktree(path, true);
        assertFalse(Files.exists(path));
        assertEquals(List.of(real(repo)), gitWorktreePaths(repo));
        r.deleteBranch("feature/half", true);
        assertFsckPasses(repo, "after the forced removal");
        r.createWorktree(request(repo, "half", "main"));
        assertEveryWorktreeWhole(repo, List.of(path), "after creating it again");
    }

    @Test
    void deletingABranchHeldByAWorktreeWhoseFolderIsGoneSaysWhatToDoAndThatWorks() {
        Path repo = newRepo("repo");
        GitRepository r = open(repo);
        Path gone = worktreePath(repo, "gone");
        r.createWorktree(request(repo, "gone", "main"));
        deleteByHand(gone);
        GitException e = assertFailsLeavingNoTrace(repo, () -> r.deleteBranch("feature/gone", true));
        assertTrue(e.getMessage().contains("prune"), e.getMessage());
        r.pruneWorktrees();
        r.deleteBranch("feature/gone", true);
        assertFalse(r.branchExists("feature/gone"));

        Path locked = worktreePath(repo, "locked");
        r.createWorktree(request(repo, "locked", "main"));
        r.lockWorktree(locked, "initializing");
        deleteByHand(locked);
        e = assertFailsLeavingNoTrace(repo, () -> r.deleteBranch("feature/locked", true));
        assertTrue(e.getMessage().contains("removeWorktree(path, force=true)"), e.getMessage());
        r.removeWorktree(locked, true);
        r.deleteBranch("feature/locked", true);
        assertEquals("refs/heads/main " + head(repo, "main") + "\n", branches(repo));
        assertFsckPasses(repo, "after following the advice");
    }
}
