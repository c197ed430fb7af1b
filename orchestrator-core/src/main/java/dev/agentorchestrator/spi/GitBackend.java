package dev.agentorchestrator.spi;

import dev.agentorchestrator.GitException;
import java.nio.file.Path;

/**
 * A way to work with git repositories. Two ship with the library: the git-binary backend in
 * {@code orchestrator-core} and the JGit backend in {@code orchestrator-jgit}. When the builder is
 * not given one, the implementations registered for {@link java.util.ServiceLoader} are asked and
 * the one with the highest {@link #priority()} wins.
 *
 * <p>Implementations must be thread-safe and have a public no-argument constructor to be found
 * through {@code ServiceLoader}.
 */
public interface GitBackend {

    /** A short name for messages and logs, such as {@code "jgit"} or {@code "git-cli"}. */
    String name();

    /** Higher wins when several backends are found through {@code ServiceLoader}. */
    default int priority() {
        return 0;
    }

    /** Whether this backend can work here (the git binary found, a library loadable); discovery skips it otherwise. */
    default Availability availability() {
        return Availability.usable(name());
    }

    /**
     * Opens the repository that contains {@code directory} (its main working tree, any linked
     * worktree, or a folder inside one).
     *
     * @throws GitException when {@code directory} is not inside a git repository, or the
     *                      repository is bare
     */
    GitRepository open(Path directory);
}
