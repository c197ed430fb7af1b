package dev.agentorchestrator.examples.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the git binary (or another short command) for the commands that inspect a repository: init, doctor, cleanup. */
public final class GitCommand {

    private GitCommand() {
    }

    /**
     * The outcome of one run.
     *
     * @param exitCode the exit code; -1 when the program could not be started or timed out
     * @param output   standard output and error, trimmed
     */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** {@code git -C dir args...} with a neutral environment for output parsing. */
    public static Result git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        return run(dir, command);
    }

    /** Runs a command with a 30-second limit; never throws for a missing program. */
    public static Result run(Path dir, List<String> command) {
        return run(dir, command, java.time.Duration.ofSeconds(30), java.util.Map.of());
    }

    /**
     * Runs a command with a time limit and further environment variables (an agent's, from the
     * config file); never throws for a missing program.
     */
    public static Result run(Path dir, List<String> command, java.time.Duration limit, java.util.Map<String, String> environment) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        pb.environment().putAll(environment);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(-1, String.join(" ", command) + " did not finish within " + limit.toSeconds() + " s");
            }
            return new Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            return new Result(-1, "cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
