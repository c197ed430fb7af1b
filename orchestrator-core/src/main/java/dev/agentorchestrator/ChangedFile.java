package dev.agentorchestrator;

import java.util.Objects;
import java.util.Optional;

/**
 * A file that differs between two trees.
 *
 * @param path    path relative to the repository root, with {@code /} separators (the new path for a rename)
 * @param kind    what happened to it
 * @param oldPath the path before a rename or copy; empty otherwise
 */
public record ChangedFile(String path, Kind kind, Optional<String> oldPath) {

    public enum Kind { ADDED, MODIFIED, DELETED, RENAMED, COPIED }

    public ChangedFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(oldPath, "oldPath");
    }

    public static ChangedFile of(String path, Kind kind) {
        return new ChangedFile(path, kind, Optional.empty());
    }

    public static ChangedFile renamed(String oldPath, String newPath) {
        return new ChangedFile(newPath, Kind.RENAMED, Optional.of(oldPath));
    }
}
