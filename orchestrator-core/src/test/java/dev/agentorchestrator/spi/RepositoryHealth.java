package dev.agentorchestrator.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.testing.TestRepos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a repository must look like after a crash and a recovery, checked with the git binary:
 * {@code git fsck --full} passes, every worktree git lists is whole (folder, {@code .git} file,
 * HEAD on its branch, a clean status), none is left locked half-made, and no create is journaled.
 */
final class RepositoryHealth {

    private RepositoryHealth() {
    }

    /** One linked worktree as {@code git worktree list --porcelain} shows it. */
    record Listed(Path path, Optional<String> head, Optional<String> branch, boolean locked) {
    }

    static void assertFsckPasses(Path repo, String when) {
        TestRepos.Result fsck = TestRepos.tryGit(repo, "fsck", "--full", "--no-progress");
        assertEquals(0, fsck.exitCode(), "git fsck --full " + when + ":\n" + fsck.output());
    }

    static List<Listed> linkedWorktrees(Path repo) {
        List<Listed> out = new ArrayList<>();
        String[] records = TestRepos.git(repo, "worktree", "list", "--porcelain").split("\n\n");
        for (int i = 1; i < records.length; i++) {
            Path path = null;
            Optional<String> head = Optional.empty();
            Optional<String> branch = Optional.empty();
            boolean locked = false;
            for (String line : records[i].split("\n")) {
                if (line.startsWith("worktree ")) {
                    path = Path.of(line.substring(9));
                } else if (line.startsWith("HEAD ")) {
                    head = Optional.of(line.substring(5));
                } else if (line.startsWith("branch refs/heads/")) {
                    branch = Optional.of(line.substring(18));
                } else if (line.startsWith("locked")) {
                    locked = true;
                }
            }
            if (path != null) {
                out.add(new Listed(path, head, branch, locked));
            }
        }
        return out;
    }

    /** Every linked worktree is whole; {@code deepCheck} also runs {@code git status} in those folders. */
    static void assertEveryWorktreeWhole(Path repo, List<Path> deepCheck, String when) {
        for (Listed wt : linkedWorktrees(repo)) {
            assertFalse(wt.locked(), "a worktree is left locked " + when + ": " + wt);
            assertTrue(Files.isRegularFile(wt.path().resolve(".git")), "worktree folder with its .git " + when + ": " + wt);
            assertTrue(wt.branch().isPresent(), "worktree on a branch " + when + ": " + wt);
            assertEquals(TestRepos.git(repo, "rev-parse", "refs/heads/" + wt.branch().get()).trim(),
                    wt.head().orElse(""), "HEAD of " + wt.path() + " " + when);
        }
        for (Path folder : deepCheck) {
            assertEquals("", TestRepos.git(folder, "status", "--porcelain", "--untracked-files=all"),
                    "git sees a clean checkout in " + folder + " " + when);
        }
    }

    /** No create or removal is journaled and nothing is staged under the library's folder. */
    static void assertNothingJournaled(Path repo, String when) {
        Path folder = repo.resolve(".git/agent-orchestrator");
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<String> left = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("creating-") || n.startsWith("removing-")).toList();
            assertEquals(List.of(), left, "journals or staged folders " + when);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The folders next to the repository's worktrees that a create stages into, left behind. */
    static List<String> stagingFolders(Path worktreesFolder) {
        if (!Files.isDirectory(worktreesFolder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(worktreesFolder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
