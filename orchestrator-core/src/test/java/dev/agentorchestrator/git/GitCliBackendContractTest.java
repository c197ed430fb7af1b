package dev.agentorchestrator.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.GitException;
import dev.agentorchestrator.internal.git.GitProcess;
import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.GitBackendContract;
import dev.agentorchestrator.spi.GitRepository;
import dev.agentorchestrator.testing.TestRepos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The backend contract run against the git binary, plus what only the git-binary backend does. */
class GitCliBackendContractTest extends GitBackendContract {

    private final GitBackend backend = new GitCliBackend();

    @Override
    protected GitBackend backend() {
        return backend;
    }

    @Test
    void isFoundThroughServiceLoaderAsGitCliWithPriorityTen() {
        GitBackend found = ServiceLoader.load(GitBackend.class).stream().map(ServiceLoader.Provider::get)
                .filter(b -> b instanceof GitCliBackend).findFirst().orElseThrow();
        assertEquals("git-cli", found.name());
        assertEquals(10, found.priority());
    }

    @Test
    void aFailureHalfWayThroughCreateRemovesEverythingThatWasWritten() throws IOException {
        // git runs the post-checkout hook after writing the worktree and the branch; a failing
        // hook makes 'git worktree add' fail with both left on disk, which the backend must undo.
        Path repo = newRepo("repo");
        Path hook = repo.resolve(".git/hooks/post-checkout");
        Files.writeString(hook, "#!/bin/sh\necho 'setup refused' >&2\nexit 1\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        GitRepository r = open(repo);
        GitException e = assertFailsLeavingNoTrace(repo, () -> r.createWorktree(request(repo, "deep/auth", "main")));
        assertTrue(e.getMessage().contains("setup refused"), "git's stderr is in the message: " + e.getMessage());
        assertTrue(e.getMessage().contains("worktree add"), "the command is in the message: " + e.getMessage());
        assertFalse(Files.exists(repo.resolveSibling("repo.worktrees")), "folders made for it are gone");
        assertFalse(Files.exists(repo.resolve(".git/worktrees")));
        assertEquals("refs/heads/main " + head(repo, "main") + "\n", branches(repo));
    }

    @Test
    void gitsOwnErrorAndTheCommandAreInTheMessage() {
        Path repo = newRepo("repo");
        git(repo, "checkout", "-q", "-b", "unmerged");
        TestRepos.commitFiles(repo, Map.of("u.txt", "u\n"), "unmerged");
        git(repo, "checkout", "-q", "main");
        GitException e = assertThrows(GitException.class, () -> open(repo).deleteBranch("unmerged", false));
        assertTrue(e.getMessage().contains("git branch -d -- unmerged"), e.getMessage());
        assertTrue(e.getMessage().contains("not fully merged"), e.getMessage());
    }

    @Test
    void aMissingGitExecutableGivesAClearMessage() {
        Path repo = newRepo("repo");
        Path missing = temp.resolve("no-such-dir/git");
        GitException e = assertThrows(GitException.class, () -> new GitCliBackend(missing).open(repo));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("JGit"), e.getMessage());

        GitProcess notOnPath = new GitProcess("agent-orchestrator-no-such-git", true, Duration.ofSeconds(5));
        e = assertThrows(GitException.class, () -> notOnPath.run(repo, List.of("status")));
        assertEquals("git executable not found on PATH; install git or use the JGit backend (orchestrator-jgit)",
                e.getMessage());
    }

    @Test
    void aGitCallThatHangsIsStoppedAtTheTimeout() throws IOException {
        Path fakeGit = temp.resolve("hanging-git");
        Files.writeString(fakeGit, "#!/bin/sh\nexec sleep 60\n");
        Files.setPosixFilePermissions(fakeGit, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path repo = newRepo("repo");
        long start = System.nanoTime();
        GitException e = assertThrows(GitException.class,
                () -> new GitCliBackend(fakeGit, Duration.ofMillis(500)).open(repo));
        assertTrue(e.getMessage().contains("did not finish within"), e.getMessage());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos(), "stopped near the timeout");
    }
}
