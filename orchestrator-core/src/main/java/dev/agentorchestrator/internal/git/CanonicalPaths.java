package dev.agentorchestrator.internal.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Path helpers for the git backends. Git reports real paths (symbolic links resolved), so every
 * path we hand out or compare goes through {@link #canonical(Path)}: {@code /tmp/x} and
 * {@code /private/tmp/x} must be the same worktree.
 */
public final class CanonicalPaths {

    private CanonicalPaths() {
    }

    /**
     * The absolute, normalised path with symbolic links resolved in the part that exists; the
     * part that does not exist yet is appended as given.
     */
    public static Path canonical(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
        } catch (IOException e) {
            return absolute;
        }
    }

    /** True when {@code path} is {@code ancestor} or lies inside it (both canonical). */
    public static boolean isInside(Path path, Path ancestor) {
        return path.startsWith(ancestor);
    }

    /** The nearest ancestor of {@code path} (or the path itself) that does not exist, or null when it exists. */
    public static Path firstMissing(Path path) {
        Path missing = null;
        for (Path p = path; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            missing = p;
        }
        return missing;
    }

    /** Deletes a file or folder tree, without following symbolic links out of it. */
    public static void deleteRecursively(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    /**
     * Deletes {@code from} and then its parents while they are empty, stopping at {@code stop}
     * (which is kept); a folder another process has just put something in stays.
     */
    public static void deleteEmptyFolders(Path from, Path stop) {
        for (Path p = from; p != null && !p.equals(stop) && p.startsWith(stop); p = p.getParent()) {
            try {
                Files.delete(p);
            } catch (DirectoryNotEmptyException e) {
                return;
            } catch (NoSuchFileException e) {
                // already gone; its parent may still be empty
            } catch (IOException e) {
                return;
            }
        }
    }

    /** True when the folder exists and holds nothing. */
    public static boolean isEmptyDirectory(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
