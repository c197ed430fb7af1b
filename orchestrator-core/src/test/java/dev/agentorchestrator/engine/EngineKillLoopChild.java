package dev.agentorchestrator.engine;

import dev.agentorchestrator.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * One {@link EngineKillLoopHost} JVM in a process group of its own ({@code setsid}), so that one
 * SIGKILL takes the JVM and every git and CI process it started at the same instant. Its agents run
 * in sessions of their own (the agent watchdog's), as in production, and are not in that group.
 * Its output goes to a file that the loop reads line by line.
 */
final class EngineKillLoopChild implements AutoCloseable {

    private final Process process;
    private final Path output;

    private EngineKillLoopChild(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts the host with these arguments; {@code marker} goes into its environment (and so its CI's and git's). */
    static EngineKillLoopChild start(Path output, String marker, List<String> args) {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of("setsid", java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xmx256m", "-cp", classPath, EngineKillLoopHost.class.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("KILLLOOP_MARK", marker);
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        try {
            return new EngineKillLoopChild(builder.start(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every complete line the child printed so far. */
    List<String> lines() {
        try {
            String text = Files.readString(output, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String output() {
        return String.join("\n", lines());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits until the child prints a line matching {@code wanted} (counting from line {@code from}),
     * for at most {@code timeout}; returns the index of the line, or -1 when the time ran out or the
     * child ended first.
     */
    int awaitLine(int from, Predicate<String> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int checked = from;
        while (System.nanoTime() < deadline) {
            List<String> lines = lines();
            for (int i = checked; i < lines.size(); i++) {
                if (wanted.test(lines.get(i))) {
                    return i;
                }
            }
            checked = Math.max(checked, lines.size());
            if (!process.isAlive()) {
                return -1;
            }
            pause(5);
        }
        return -1;
    }

    /** Waits up to {@code millis} unless the child exits first; true when it exited. */
    boolean waitFor(long millis) {
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private void pause(long millis) {
        waitFor(millis);
    }

    /** SIGKILLs the child's whole process group and waits until nothing of the group is left. */
    void killGroup() {
        long pid = process.pid();
        run("kill", "-KILL", "--", "-" + pid);
        process.destroyForcibly();
        if (!waitFor(30_000)) {
            throw new AssertionError("the host did not die after SIGKILL");
        }
        Await.until("process group " + pid + " to end", Duration.ofSeconds(30), () -> run("pgrep", "-g", String.valueOf(pid)) != 0);
    }

    /** Pids of live processes whose environment holds {@code KILLLOOP_MARK=marker}, with their command lines. */
    static List<String> processesMarked(String marker) {
        byte[] wanted = ("KILLLOOP_MARK=" + marker + "\0").getBytes(StandardCharsets.UTF_8);
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                String pid = proc.getFileName().toString();
                if (!pid.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    byte[] environ = Files.readAllBytes(proc.resolve("environ"));
                    if (contains(environ, wanted)) {
                        String cmd = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                        found.add(pid + " " + cmd.strip());
                    }
                } catch (IOException e) {
                    // gone meanwhile, or another user's: not one of ours
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (i > 0 && haystack[i - 1] != 0) {
                continue; // variables start after a NUL
            }
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static int run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            killGroup();
        }
    }
}
