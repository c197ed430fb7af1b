package dev.agentorchestrator.internal.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
 * line by line and ending its whole process tree when the time limit passes.
 */
public final class CommandRunner {

    /** How a command ended. {@code exitCode} is -1 when it could not start or timed out. */
    public record Outcome(int exitCode, boolean timedOut, Duration duration, String startError) {
        public boolean succeeded() {
            return exitCode == 0 && !timedOut && startError.isEmpty();
        }
    }

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
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    output.accept(line);
                }
            } catch (IOException ignored) {
                // the stream closes when the process is killed
            }
        }, "command-" + process.pid() + "-output");
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
            return new Outcome(-1, false, Duration.between(start, Instant.now()), "interrupted");
        }
    }
}
