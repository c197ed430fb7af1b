package dev.agentorchestrator.spi;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link GitRepository#createWorktree(WorktreeRequest)} is asked to make.
 *
 * @param path       the folder to create; must not exist, or exist and be empty
 * @param branch     the new branch to create and check out there, such as {@code feature/auth}
 * @param base       the branch (or any revision) the new branch starts from
 */
public record WorktreeRequest(Path path, String branch, String base) {
    public WorktreeRequest {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(base, "base");
        path = path.toAbsolutePath().normalize();
    }
}
