package dev.agentorchestrator.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A child JVM running {@link WorktreeChildMain} in a process group of its own, so that a kill
 * takes the JVM and every git process it started at the same instant, as when a host's container
 * or session is killed. Its output goes to a file in the test's folder.
 */
public final class WorktreeChildJvm implements AutoCloseable {

    private static String snapshotClassPath;

    private final Process process;
    private final Path output;

    private WorktreeChildJvm(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts {@code WorktreeChildMain args...} under {@code setsid}, its output in a file under {@code workDir}. */
    public static WorktreeChildJvm start(Path workDir, String... args) {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of("setsid", java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", classPath(), WorktreeChildMain.class.getName()));
        command.addAll(List.of(args));
        try {
            Path output = Files.createTempFile(workDir, "child-", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
            return new WorktreeChildJvm(builder.start(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The test class path with its folders copied once per test JVM: another build in the same
     * checkout may be recompiling target/classes while children start.
     */
    private static synchronized String classPath() {
        if (snapshotClassPath != null) {
            return snapshotClassPath;
        }
        String original = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        try {
            Path copies = Files.createTempDirectory("worktree-child-classpath");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(copies)));
            List<String> entries = new ArrayList<>();
            for (String entry : original.split(File.pathSeparator)) {
                Path path = Path.of(entry);
                if (Files.isDirectory(path)) {
                    Path copy = copies.resolve(String.valueOf(entries.size()));
                    copyTree(path, copy);
                    entries.add(copy.toString());
                } else {
                    entries.add(entry);
                }
            }
            snapshotClassPath = String.join(File.pathSeparator, entries);
            return snapshotClassPath;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover copy in the temp folder does no harm.
        }
    }

    /** What the child printed so far. */
    public String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits up to {@code millis} for the child to exit by itself; true when it did. */
    public boolean waitFor(long millis) {
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Waits until {@code file} exists, failing with the child's output if it exits first or time runs out. */
    public void awaitFile(Path file, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!Files.exists(file)) {
            if (!process.isAlive()) {
                throw new AssertionError("child exited with " + process.exitValue() + " before creating " + file
                        + "; its output:\n" + output());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("child did not create " + file + " within " + timeoutMillis
                        + " ms; its output:\n" + output());
            }
            waitFor(5);
        }
    }

    /** SIGKILLs the child's whole process group (the JVM and any git it runs) and waits until the JVM is gone. */
    public void killGroup() {
        long pid = process.pid();
        try {
            // setsid made the JVM the leader of its own group, whose id is its pid.
            Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + pid).redirectErrorStream(true).start();
            kill.getInputStream().readAllBytes();
            kill.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        process.destroyForcibly();
        if (!waitFor(30_000)) {
            throw new AssertionError("child did not die after SIGKILL");
        }
        awaitGroupGone(pid);
    }

    /** Waits until no process of the group is left, so that nothing writes into the repository afterwards. */
    private static void awaitGroupGone(long pgid) {
        Await.until("process group " + pgid + " to end", java.time.Duration.ofSeconds(30), () -> {
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
        });
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            killGroup();
        }
    }
}
