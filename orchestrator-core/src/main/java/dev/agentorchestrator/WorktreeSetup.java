package dev.agentorchestrator;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What to do in a new worktree before the agent starts: copy untracked files from the main
 * worktree (an {@code .env}, local settings) and run a setup command (such as {@code npm ci}).
 * The command runs without a shell, in the new worktree; its output goes to the session's log.
 * A failure fails the session and keeps the worktree for inspection.
 *
 * <pre>{@code
 * WorktreeSetup.copying(".env", "config/local.yml").thenRun("npm", "ci")
 * }</pre>
 *
 * @param copyFiles paths relative to the main worktree; missing ones fail the setup
 * @param command   the setup command and its arguments, empty for none
 * @param timeout   how long the command may run
 */
public record WorktreeSetup(List<String> copyFiles, List<String> command, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    public static final WorktreeSetup NONE = new WorktreeSetup(List.of(), List.of(), DEFAULT_TIMEOUT);

    public WorktreeSetup {
        copyFiles = List.copyOf(noNulls(copyFiles, "copyFiles"));
        command = List.copyOf(noNulls(command, "command"));
        if (!command.isEmpty() && command.get(0).isBlank()) {
            throw new ConfigurationException("WorktreeSetup.command starts with a blank executable; name the program"
                    + " to run, for example WorktreeSetup.running(\"npm\", \"ci\")");
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new ConfigurationException("WorktreeSetup.timeout must be positive, was " + timeout);
        }
        for (String f : copyFiles) {
            if (f.isBlank() || f.startsWith("/") || f.contains("..") || f.indexOf('\0') >= 0) {
                throw new ConfigurationException("WorktreeSetup.copyFiles entry '" + f
                        + "' must be a relative path inside the main worktree, without '..'");
            }
        }
    }

    private static List<String> noNulls(List<String> values, String parameter) {
        Objects.requireNonNull(values, parameter);
        for (int i = 0; i < values.size(); i++) {
            int at = i;
            Objects.requireNonNull(values.get(i), () -> parameter + "[" + at + "] is null");
        }
        return values;
    }

    private static List<String> listOf(String[] values, String parameter) {
        return Arrays.asList(Objects.requireNonNull(values, parameter));
    }

    /** Copies these files from the main worktree into each new worktree. */
    public static WorktreeSetup copying(String... files) {
        return new WorktreeSetup(listOf(files, "copyFiles"), List.of(), DEFAULT_TIMEOUT);
    }

    /** Runs this command in each new worktree. */
    public static WorktreeSetup running(String... command) {
        return new WorktreeSetup(List.of(), listOf(command, "command"), DEFAULT_TIMEOUT);
    }

    /** A copy that also runs {@code command} after copying. */
    public WorktreeSetup thenRun(String... command) {
        return new WorktreeSetup(copyFiles, listOf(command, "command"), timeout);
    }

    /** A copy with another time limit for the command. */
    public WorktreeSetup withTimeout(Duration timeout) {
        return new WorktreeSetup(copyFiles, command, timeout);
    }

    /** True when there is nothing to do. */
    public boolean isEmpty() {
        return copyFiles.isEmpty() && command.isEmpty();
    }
}
