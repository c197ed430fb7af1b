package dev.agentorchestrator.internal.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Replaces a file's content whole or not at all: the new bytes go to a temp file in the same
 * folder, are forced to disk, and the temp file is renamed over the target in one atomic step.
 * A crash at any point leaves either the old file or the new one, never a mix; at worst a temp
 * file is left behind, named {@code <target>.<random>.tmp}, which {@link #deleteLeftoverTemps}
 * removes.
 */
final class AtomicFiles {

    /** Called between writing the temp file and renaming it; lets a test kill the writer there. */
    @FunctionalInterface
    interface BeforeRename {
        BeforeRename NONE = (temp, target) -> { };

        void beforeRename(Path temp, Path target) throws IOException;
    }

    private static final Pattern RANDOM_PART = Pattern.compile("[0-9a-z]+");

    private AtomicFiles() {
    }

    /** Writes {@code bytes} to {@code target} atomically and durably (file and folder entry). */
    static void write(Path target, byte[] bytes, BeforeRename hook) throws IOException {
        replace(target, bytes, hook);
        forceFolder(target.getParent());
    }

    /**
     * Makes {@code copy} hold what {@code source} holds now ({@code content}), atomically. Where the
     * file system allows, the copy is a second hard link to the same, already durable data: no
     * bytes are written, and the source's later replacement by rename leaves the copy's data alone.
     * Elsewhere the content is written to a temp file and renamed. The folder is not forced here;
     * the caller's following {@link #write} forces it once for both renames.
     */
    static void keepCopy(Path source, Path copy, byte[] content) throws IOException {
        Path temp = tempFor(copy);
        try {
            Files.createLink(temp, source);
        } catch (IOException | UnsupportedOperationException e) {
            replace(copy, content, BeforeRename.NONE);
            return;
        }
        try {
            Files.move(temp, copy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            // POSIX rename does nothing when both names already link the same file; drop the extra name.
            Files.deleteIfExists(temp);
        }
    }

    private static void replace(Path target, byte[] bytes, BeforeRename hook) throws IOException {
        Path temp = tempFor(target);
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                // Without this the rename may reach the disk before the data, and a power cut
                // would leave an empty file under the good name.
                channel.force(true);
            }
            hook.beforeRename(temp, target);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static Path tempFor(Path target) {
        String random = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        return target.resolveSibling(target.getFileName() + "." + random + ".tmp");
    }

    /** Deletes temp files left next to {@code target} by a writer that died before its rename. */
    static void deleteLeftoverTemps(Path target) throws IOException {
        String prefix = target.getFileName() + ".";
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(target.getParent(),
                entry -> isTempOf(entry.getFileName().toString(), prefix))) {
            for (Path leftover : entries) {
                Files.deleteIfExists(leftover);
            }
        }
    }

    /** True for names written by {@link #write} as temp files; such files are never records. */
    static boolean isTemp(String fileName) {
        return fileName.endsWith(".tmp");
    }

    private static boolean isTempOf(String fileName, String prefix) {
        return fileName.startsWith(prefix) && fileName.endsWith(".tmp")
                && RANDOM_PART.matcher(fileName.substring(prefix.length(), fileName.length() - 4)).matches();
    }

    /** Makes a rename or delete in {@code folder} durable, where the platform allows it. */
    static void forceFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a folder as a channel; there the rename is as durable as it gets.
        }
    }
}
