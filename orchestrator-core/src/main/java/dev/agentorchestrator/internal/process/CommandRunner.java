package dev.agentorchestrator.internal.process;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a short-lived command (a setup step, a CI run) without a shell, streaming its merged output
 * line by line and ending its whole process tree (children and their children, found with
 * {@link ProcessHandle#descendants()}) when the time limit passes or the calling thread is
 * interrupted.
 *
 * <p>Output lines longer than {@link #MAX_LINE} characters are handed on in pieces, so a command
 * that prints megabytes without a newline cannot exhaust memory; a consumer that throws loses
 * that line only, and the command keeps running (a reader that stopped would fill the pipe and
 * hang it).
 */
public final class CommandRunner {

    /** The longest line handed to the consumer in one piece. */
    public static final int MAX_LINE = 64 * 1024;

    /** How a command ended. {@code exitCode} is -1 when it could not start or timed out. */
    public record Outcome(int exitCode, boolean timedOut, Duration duration, String startError) {
        public boolean succeeded() {
            return exitCode == 0 && !timedOut && startError.isEmpty();
        }

        /** Whether the calling thread was interrupted and the command ended because of it. */
        public boolean interrupted() {
            return INTERRUPTED.equals(startError);
        }
    }

    private static final String INTERRUPTED = "interrupted";

    private CommandRunner() {
    }

    public static Outcome run(List<String> command, Path directory, Map<String, String> environment,
                              Duration timeout, Consumer<String> output) {
        Instant start = Instant.now();
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Outcome(-1, false, Duration.between(start, Instant.now()),
                    "cannot run '" + command.get(0) + "': " + e.getMessage());
        }
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // the command does not read input; nothing to do
        }
        Thread reader = new Thread(() -> readLines(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8), output),
                "command-" + process.pid() + "-output");
        reader.setDaemon(true);
        reader.start();
        try {
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                ProcessTrees.terminate(process.toHandle(), Duration.ofSeconds(5));
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
            return new Outcome(finished ? process.exitValue() : -1, !finished, Duration.between(start, Instant.now()), "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ProcessTrees.terminate(process.toHandle(), Duration.ofSeconds(2));
            return new Outcome(-1, false, Duration.between(start, Instant.now()), INTERRUPTED);
        }
    }

    /** Splits the stream into lines without ever holding more than {@link #MAX_LINE} characters of one. */
    static void readLines(Reader in, Consumer<String> output) {
        char[] buffer = new char[8192];
        StringBuilder line = new StringBuilder();
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    char c = buffer[i];
                    if (c == '\n') {
                        int end = line.length();
                        if (end > 0 && line.charAt(end - 1) == '\r') {
                            line.setLength(end - 1);
                        }
                        emit(output, line);
                    } else {
                        line.append(c);
                        if (line.length() >= MAX_LINE) {
                            emit(output, line);
                        }
                    }
                }
            }
            if (line.length() > 0) {
                emit(output, line);
            }
        } catch (IOException ignored) {
            // the stream closes when the process is killed
        }
    }

    private static void emit(Consumer<String> output, StringBuilder line) {
        String text = line.toString();
        line.setLength(0);
        try {
            output.accept(text);
        } catch (RuntimeException e) {
            // A failing consumer loses this line; stopping to read would block the command on a full pipe.
        }
    }
}
