package dev.agentorchestrator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real git repositories on disk for tests, made with the {@code git} binary so that what the
 * tests start from is exactly what a user's {@code git} makes.
 *
 * <pre>{@code
 * Path repo = TestRepos.withFiles(tempDir.resolve("repo"), Map.of("README.md", "hello\n"));
 * TestRepos.git(repo, "checkout", "-b", "other");
 * }</pre>
 */
public final class TestRepos {

    private TestRepos() {
    }

    /** An initialised repository with no commits, on branch {@code main}. */
    public static Path empty(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        git(dir, "init", "-q", "-b", "main");
        git(dir, "config", "user.name", "Test User");
        git(dir, "config", "user.email", "test@example.invalid");
        git(dir, "config", "commit.gpgsign", "false");
        return dir;
    }

    /** A repository on {@code main} with one commit holding {@code files} (path to content). */
    public static Path withFiles(Path dir, Map<String, String> files) {
        empty(dir);
        commitFiles(dir, files, "initial commit");
        return dir;
    }

    /** A repository on {@code main} with one commit holding a README. */
    public static Path withCommit(Path dir) {
        return withFiles(dir, Map.of("README.md", "# test repository\n"));
    }

    /** Writes the files (creating folders), stages them and commits; returns the new commit id. */
    public static String commitFiles(Path worktree, Map<String, String> files, String message) {
        writeFiles(worktree, files);
        git(worktree, "add", "-A");
        git(worktree, "commit", "-q", "--allow-empty", "-m", message);
        return git(worktree, "rev-parse", "HEAD").trim();
    }

    /** Writes the files (creating folders) without staging them. */
    public static void writeFiles(Path worktree, Map<String, String> files) {
        try {
            for (Map.Entry<String, String> e : new LinkedHashMap<>(files).entrySet()) {
                Path file = worktree.resolve(e.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every ref of the repository and the object it points at, sorted by name (for "nothing was lost" checks). */
    public static java.util.Map<String, String> refs(Path repo) {
        java.util.Map<String, String> refs = new java.util.TreeMap<>();
        for (String line : git(repo, "for-each-ref", "--format=%(refname) %(objectname)").split("\n")) {
            if (!line.isBlank()) {
                String[] parts = line.split(" ");
                refs.put(parts[0], parts[1]);
            }
        }
        return refs;
    }

    /**
     * Runs {@code git args...} in {@code dir} and returns its standard output.
     *
     * @throws AssertionError when git exits non-zero, with its output
     */
    public static String git(Path dir, String... args) {
        Result r = tryGit(dir, args);
        if (r.exitCode() != 0) {
            throw new AssertionError("git " + String.join(" ", args) + " failed in " + dir
                    + " with exit code " + r.exitCode() + ":\n" + r.output());
        }
        return r.stdout();
    }

    /** Runs git and returns its exit code and output, whatever the exit code. */
    public static Result tryGit(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        pb.environment().put("LC_ALL", "C");
        pb.environment().put("GIT_AUTHOR_NAME", "Test User");
        pb.environment().put("GIT_AUTHOR_EMAIL", "test@example.invalid");
        pb.environment().put("GIT_COMMITTER_NAME", "Test User");
        pb.environment().put("GIT_COMMITTER_EMAIL", "test@example.invalid");
        try {
            Path err = Files.createTempFile("git-stderr", ".txt");
            try {
                pb.redirectError(err.toFile());
                Process p = pb.start();
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("git " + String.join(" ", args) + " did not finish in 60 s");
                }
                return new Result(p.exitValue(), out, Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running git", e);
        }
    }

    /** Every file and folder under {@code dir}, relative, sorted; for "nothing left behind" checks. */
    public static List<String> tree(Path dir) {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (var paths = Files.walk(dir)) {
            return paths.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public record Result(int exitCode, String stdout, String stderr) {
        public String output() {
            return stdout + stderr;
        }
    }
}
