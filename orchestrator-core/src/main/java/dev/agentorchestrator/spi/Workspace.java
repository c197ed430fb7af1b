package dev.agentorchestrator.spi;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an agent works: a worktree folder checked out on a branch. A local launcher runs the agent
 * in {@link #directory()}; a launcher that runs agents elsewhere (a container, another machine)
 * may instead check out {@link #branch()} there.
 *
 * @param directory the worktree folder on this machine
 * @param branch    the branch checked out there, such as {@code feature/login}; empty when the
 *                  folder is not on a branch (a detached checkout, or a plain folder in tests)
 */
public record Workspace(Path directory, String branch) {

    public Workspace {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(branch, "branch");
    }

    /** A folder that is not on a named branch. */
    public static Workspace of(Path directory) {
        return new Workspace(directory, "");
    }
}
