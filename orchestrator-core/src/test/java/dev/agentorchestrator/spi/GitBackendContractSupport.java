package dev.agentorchestrator.spi;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentorchestrator.GitException;
import dev.agentorchestrator.Worktree;
import dev.agentorchestrator.testing.TestRepos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fixtures shared by the {@link GitBackendContract} suite: real repositories made with the git
 * binary in a temporary folder, and snapshots of everything a git operation could change, so
 * that "nothing was left behind" is a comparison that can fail.
 */
public abstract class GitBackendContractSupport {

    /** The backend under test; a new or shared instance, it must be thread-safe either way. */
    protected abstract GitBackend backend();

    @TempDir
    protected Path temp;

    private final List<GitRepository> opened = new ArrayList<>();

    @AfterEach
    void closeRepositories() {
        opened.forEach(GitRepository::close);
    }

    /** A repository on {@code main} with a README and one source file, in {@code temp/<name>}. */
    protected Path newRepo(String name) {
        return TestRepos.withFiles(temp.resolve(name), Map.of("README.md", "hello\n", "src/App.java", "class App {}\n"));
    }

    protected GitRepository open(Path dir) {
        GitRepository repo = backend().open(dir);
        opened.add(repo);
        return repo;
    }

    /** The conventional worktree folder of a feature: {@code <parent>/<repo>.worktrees/<name>}. */
    protected static Path worktreePath(Path repo, String name) {
        return repo.resolveSibling(repo.getFileName() + ".worktrees").resolve(name);
    }

    protected static WorktreeRequest request(Path repo, String name, String base) {
        return new WorktreeRequest(worktreePath(repo, name), "feature/" + name, base);
    }

    protected static String git(Path dir, String... args) {
        return TestRepos.git(dir, args);
    }

    protected static String head(Path dir, String revision) {
        return git(dir, "rev-parse", revision).trim();
    }

    /** The real path (symbolic links such as /tmp resolved); for a folder that is gone, its parent's real path plus its name. */
    protected static Path real(Path path) {
        if (!Files.exists(path) && path.getParent() != null) {
            return real(path.getParent()).resolve(path.getFileName());
        }
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The worktree folders git itself lists, as real paths. */
    protected static List<Path> gitWorktreePaths(Path repo) {
        return Stream.of(git(repo, "worktree", "list", "--porcelain", "-z").split("\0"))
                .filter(f -> f.startsWith("worktree ")).map(f -> Path.of(f.substring("worktree ".length())))
                .map(p -> Files.exists(p) ? real(p) : p).toList();
    }

    /** Every local branch with the commit it points at, one per line. */
    protected static String branches(Path repo) {
        return git(repo, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads/");
    }

    /**
     * What a git operation could change: every file name under the temporary folder (so the
     * repository, its .git and any worktree folder), the worktrees git lists and the branches.
     */
    protected record Snapshot(List<String> files, String worktrees, String branches) {
    }

    protected Snapshot snapshot(Path repo) {
        return new Snapshot(TestRepos.tree(temp), git(repo, "worktree", "list", "--porcelain"), branches(repo));
    }

    /** Path to base64 of the bytes, for every file of a working tree outside .git. */
    protected static Map<String, String> contents(Path worktree) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(worktree)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String rel = worktree.relativize(f).toString();
                if (!rel.equals(".git") && !rel.startsWith(".git/")) {
                    out.put(rel, Base64.getEncoder().encodeToString(Files.readAllBytes(f)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Runs the action, expects a GitException, and checks that the repository is as it was. */
    protected GitException assertFailsLeavingNoTrace(Path repo, Executable action) {
        Snapshot before = snapshot(repo);
        GitException e = assertThrows(GitException.class, action);
        assertEquals(before, snapshot(repo), "the failed operation changed the repository or left something behind");
        return e;
    }

    protected static Worktree only(List<Worktree> list, Path path) {
        Path wanted = real(path);
        List<Worktree> found = list.stream().filter(w -> w.path().equals(wanted)).toList();
        assertEquals(1, found.size(), "worktrees at " + wanted + " in " + list);
        return found.get(0);
    }

    /** What a user does with {@code rm -rf}: the folder goes, git's record stays. */
    protected static void deleteByHand(Path folder) {
        assertDoesNotThrow(() -> {
            try (var walk = Files.walk(folder)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        });
    }

    protected static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
