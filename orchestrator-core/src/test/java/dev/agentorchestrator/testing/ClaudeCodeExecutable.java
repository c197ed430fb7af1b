package dev.agentorchestrator.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the real Claude Code CLI for tests, in this order: the system property or environment
 * variable {@code CLAUDE_CODE_EXECUTABLE} (set by {@code .ci/run}), {@code claude} on the PATH,
 * then the copy {@code .ci/install-claude-code} puts under {@code .ci/.cache/claude-code} of the
 * repository. A {@code CLAUDE_CODE_EXECUTABLE} that names a missing file is an error, not a reason
 * to skip: whoever set it expects the tests to run.
 */
public final class ClaudeCodeExecutable {

    public static final String VARIABLE = "CLAUDE_CODE_EXECUTABLE";
    static final String LOCAL_INSTALL = ".ci/.cache/claude-code/node_modules/.bin/claude";

    private ClaudeCodeExecutable() {
    }

    /** The CLI to run, or empty when none is installed. */
    public static Optional<Path> find() {
        String configured = System.getProperty(VARIABLE, System.getenv(VARIABLE));
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException(VARIABLE + " is " + configured + ", which is not an executable file;"
                        + " run .ci/install-claude-code (it prints the path) or unset " + VARIABLE);
            }
            return Optional.of(path);
        }
        String pathVariable = System.getenv("PATH");
        if (pathVariable != null) {
            for (String dir : pathVariable.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir).resolve("claude");
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        // Maven runs tests in the module folder; the repository root is a parent with .ci in it.
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(LOCAL_INSTALL);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The CLI, or skips the calling test with the reason and the way to install it. */
    public static Path requireOrSkip() {
        Optional<Path> found = find();
        Assumptions.assumeTrue(found.isPresent(), "the Claude Code CLI is not installed: not in " + VARIABLE
                + ", not 'claude' on the PATH, not in " + LOCAL_INSTALL + "; run .ci/install-claude-code");
        return found.get();
    }
}
