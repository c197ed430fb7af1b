package dev.agentorchestrator.internal.process;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the file a command name would run, the way {@code execvp} does: a name with a slash is a
 * path (relative ones count from the folder the command starts in), any other name is looked up
 * in each folder of the PATH in turn. Launchers look first so that a missing executable is
 * reported before anything starts, not as a run that fails with code 127.
 */
public final class Executables {

    private Executables() {
    }

    /**
     * The executable regular file {@code executable} names, or empty when there is none.
     *
     * @param workingDirectory where a relative path with a slash is resolved
     * @param pathVariable     the PATH the command would see; null or empty means none
     */
    public static Optional<Path> resolve(String executable, Path workingDirectory, String pathVariable) {
        if (executable == null || executable.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (executable.contains("/") || executable.contains(File.separator)) {
                return runnable(workingDirectory.resolve(executable).toAbsolutePath().normalize());
            }
            if (pathVariable == null || pathVariable.isEmpty()) {
                return Optional.empty();
            }
            for (String folder : pathVariable.split(File.pathSeparator, -1)) {
                // An empty PATH entry means the current folder, as in the shell.
                Path dir = folder.isEmpty() ? workingDirectory : Path.of(folder);
                Optional<Path> found = runnable(dir.resolve(executable).toAbsolutePath().normalize());
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** {@link #resolve(String, Path, String)} with this JVM's PATH and working folder. */
    public static Optional<Path> onHostPath(String executable) {
        return resolve(executable, Path.of("").toAbsolutePath(), System.getenv("PATH"));
    }

    private static Optional<Path> runnable(Path candidate) {
        return Files.isRegularFile(candidate) && Files.isExecutable(candidate) ? Optional.of(candidate) : Optional.empty();
    }
}
