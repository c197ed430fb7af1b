package dev.agentorchestrator.jgit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/** The few file operations the backend needs, with git's conventions for its small text files. */
final class FileOps {

    private FileOps() {
    }

    /** Writes a one-line git administrative file the way git's {@code write_file} does: text plus newline. */
    static void writeLine(Path file, String text) throws IOException {
        Files.writeString(file, text.isEmpty() ? "" : text + "\n", StandardCharsets.UTF_8);
    }

    /** The file's text, or empty when it does not exist. */
    static Optional<String> read(Path file) throws IOException {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Deletes a file or a folder with everything in it; symbolic links are deleted, never followed. */
    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes everything inside {@code folder}, keeping the folder itself. */
    static void deleteContents(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(folder)) {
            for (Path child : children) {
                deleteRecursively(child);
            }
        }
    }

    /** True when {@code folder} is a folder with nothing in it. */
    static boolean isEmptyFolder(Path folder) throws IOException {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(folder)) {
            return !children.iterator().hasNext();
        }
    }

    /** Removes {@code folder} if it is empty, as git removes {@code .git/worktrees} when the last one goes. */
    static void deleteIfEmpty(Path folder) throws IOException {
        if (Files.isDirectory(folder) && isEmptyFolder(folder)) {
            try {
                Files.delete(folder);
            } catch (java.nio.file.DirectoryNotEmptyException raced) {
                // Another worktree was added meanwhile; keeping the folder is right.
            }
        }
    }
}
