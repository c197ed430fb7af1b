package dev.agentorchestrator.internal.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A second JVM running {@link StoreChildMain} on the test classpath: a real other process, so
 * that file locks, appends and kills behave exactly as between two orchestrators.
 */
final class ChildJvm implements AutoCloseable {

    private static final List<String> CHILD_NEEDS = List.of(StoreChildMain.class, StoreFixtures.class,
                    SessionLogLines.class, JsonFileStateStore.class, AtomicFiles.class, AtomicFiles.BeforeRename.class,
                    StoreLock.class, StoreLock.Held.class, SessionJson.class, FileSessionLog.class, StoreFileNames.class,
                    dev.agentorchestrator.spi.SessionRecord.class, dev.agentorchestrator.FeatureNames.class)
            .stream().map(c -> c.getName().replace('.', '/') + ".class").toList();
    private static String snapshotClassPath;

    private final Process process;
    private final Path output;

    private ChildJvm(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts {@code StoreChildMain args...}; its stdout and stderr go to a file in {@code workDir}. */
    static ChildJvm start(Path workDir, String... args) {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", classPath(), StoreChildMain.class.getName()));
        command.addAll(List.of(args));
        try {
            Path output = Files.createTempFile(workDir, "child-", ".out");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            return new ChildJvm(process, output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The test class path (under Surefire, java.class.path names only its booter jar), with its
     * folders copied once per test run: another build in the same checkout may be recompiling
     * target/classes right now, and a child loading its classes then would not find them. A copy
     * that lacks a class the children need (taken mid-recompile) is taken again.
     */
    private static synchronized String classPath() {
        if (snapshotClassPath != null) {
            return snapshotClassPath;
        }
        String original = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        try {
            while (true) {
                Path copies = Files.createTempDirectory("store-child-classpath");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(copies)));
                List<String> entries = new ArrayList<>();
                List<Path> folders = new ArrayList<>();
                for (String entry : original.split(File.pathSeparator)) {
                    Path path = Path.of(entry);
                    if (Files.isDirectory(path)) {
                        Path copy = copies.resolve(String.valueOf(entries.size()));
                        copyTree(path, copy);
                        folders.add(copy);
                        entries.add(copy.toString());
                    } else {
                        entries.add(entry);
                    }
                }
                if (CHILD_NEEDS.stream().allMatch(c -> folders.stream().anyMatch(f -> Files.exists(f.resolve(c))))) {
                    snapshotClassPath = String.join(File.pathSeparator, entries);
                    return snapshotClassPath;
                }
                deleteTree(copies);
                if (System.nanoTime() - deadline > 0) {
                    fail("the test classes stayed incomplete for 2 minutes (is another build cleaning target/?)");
                }
                Thread.sleep(500);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
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

    Process process() {
        return process;
    }

    /** What the child printed so far. */
    String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    /** Waits for the child to exit with 0, failing with its output otherwise. */
    void awaitSuccess(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail("child did not finish within " + timeout + "; its output:\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
        if (process.exitValue() != 0) {
            fail("child exited with " + process.exitValue() + "; its output:\n" + output());
        }
    }

    /** Waits until {@code file} exists, failing early with the child's output if it dies first. */
    void awaitFile(Path file, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            if (!process.isAlive()) {
                fail("child exited with " + process.exitValue() + " before creating " + file + "; its output:\n"
                        + output());
            }
            if (System.nanoTime() - deadline > 0) {
                fail("child did not create " + file + " within " + timeout + "; its output:\n" + output());
            }
            try {
                process.waitFor(5, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    /** Kills the child with SIGKILL (on Linux and macOS) and waits until it is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                fail("child did not die after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
