package dev.agentorchestrator.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real runnable jar (built by the package phase, passed by failsafe as {@code cli.jar})
 * as a child process, the way a person's shell does, and cleans up any engine it left.
 */
final class Cli {

    static final ObjectMapper JSON = new ObjectMapper();

    private final Path workingDirectory;
    private final Map<String, String> environment = new HashMap<>();
    /** A main class to start instead of the jar's own entry point, or null. */
    private String mainClass;

    Cli(Path workingDirectory) {
        this.workingDirectory = workingDirectory;
    }

    static Path jar() {
        String jar = System.getProperty("cli.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("the runnable jar is missing (" + jar + "); run these tests with './mvnw verify',"
                    + " which builds it in the package phase");
        }
        return Path.of(jar);
    }

    /**
     * Starts the commands at {@link Main} (the full command line for every command) rather than at
     * the jar's entry point, which answers the common forms of status and list itself.
     */
    Cli throughMain() {
        mainClass = Main.class.getName();
        return this;
    }

    Cli env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** The outcome of one command. */
    record Result(int exitCode, String out, String err) {
        Result expect(int code) {
            assertEquals(code, exitCode, () -> "exit code; stdout:\n" + out + "\nstderr:\n" + err);
            return this;
        }

        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + out + "\nstderr:\n" + err, e);
            }
        }
    }

    Result run(String... args) {
        return start(args).await(Duration.ofMinutes(3));
    }

    /** A command started and not yet awaited, its output going to temporary files. */
    record Running(Process process, Path out, Path err) {
        Result await(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("the command did not finish within " + timeout + "; stdout so far:\n" + read(out));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            return new Result(process.exitValue(), read(out), read(err));
        }

        String outputSoFar() {
            return read(out);
        }

        private static String read(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    Running start(String... args) {
        return startWithInput("", args);
    }

    /** Starts a command with {@code input} on its standard input (then closed). */
    Running startWithInput(String input, String... args) {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"));
        command.addAll(mainClass == null ? List.of("-jar", jar().toString()) : List.of("-cp", jar().toString(), mainClass));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workingDirectory.toFile());
        pb.environment().putAll(environment);
        try {
            Path out = Files.createTempFile("cli-out", ".txt");
            Path err = Files.createTempFile("cli-err", ".txt");
            pb.redirectOutput(out.toFile());
            pb.redirectError(err.toFile());
            Process p = pb.start();
            try (var stdin = p.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
            return new Running(p, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The engine's pid from its address file, if one is written. */
    static Optional<Long> enginePid(Path repo) {
        Path address = repo.resolve(".git/agent-orchestrator/engine/engine.json");
        try {
            return Optional.of(JSON.readTree(Files.readString(address, StandardCharsets.UTF_8)).path("pid").asLong());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Ends an engine a test left running (a failed test must not leave background processes). */
    static void killEngine(Path repo) {
        enginePid(repo).flatMap(ProcessHandle::of).ifPresent(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
    }
}
