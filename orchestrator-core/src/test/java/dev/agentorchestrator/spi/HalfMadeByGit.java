package dev.agentorchestrator.spi;

import dev.agentorchestrator.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Makes the damage issue 15 describes with git itself: {@code git worktree add} (which the
 * git-binary backend used to run) SIGKILLed, with the {@code git reset --hard} it started,
 * part-way through checking out a big tree. git then lists the worktree {@code locked
 * initializing} with most of its files missing, and refuses to delete its branch.
 */
final class HalfMadeByGit {

    private HalfMadeByGit() {
    }

    static void killGitWorktreeAddMidway(Path repo, Path path, String branch, Path temp) {
        try {
            Path out = Files.createTempFile(temp, "git-worktree-add", ".out");
            Process git = new ProcessBuilder("setsid", "git", "worktree", "add", "-b", branch, path.toString(), "main")
                    .directory(repo.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            // Killed once git has begun writing files, which for 5,000 files leaves most unwritten.
            Await.until("git worktree add to start writing files into " + path, Duration.ofSeconds(60),
                    () -> !git.isAlive() || fileCount(path) > 20);
            if (!git.isAlive()) {
                throw new AssertionError("git worktree add finished before it could be killed: " + Files.readString(out));
            }
            Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + git.pid()).redirectErrorStream(true).start();
            kill.getInputStream().readAllBytes();
            kill.waitFor(30, TimeUnit.SECONDS);
            git.waitFor(30, TimeUnit.SECONDS);
            Await.until("git's process group to end", Duration.ofSeconds(30), () -> groupGone(git.pid()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static long fileCount(Path folder) {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.limit(100).count();
        } catch (IOException | UncheckedIOException e) {
            return 0; // files appear while we walk
        }
    }

    private static boolean groupGone(long pgid) {
        try {
            Process check = new ProcessBuilder("pgrep", "-g", String.valueOf(pgid)).redirectErrorStream(true).start();
            check.getInputStream().readAllBytes();
            return check.waitFor() != 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
