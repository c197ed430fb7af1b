package dev.agentorchestrator.internal.git;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * Removes a linked worktree so that an interruption at any instant leaves either the whole
 * worktree or nothing git lists. {@code git worktree remove} (and a plain recursive delete) deletes
 * the folder's files first and the administrative folder last: a kill in between leaves a worktree
 * git still lists, with most of its files shown as deleted.
 *
 * <p>The order, and what a kill after each step leaves:
 * <ol>
 *   <li>the journal {@code <common dir>/agent-orchestrator/removing-<token>.journal} is written and
 *       locked (it names the administrative folder, the worktree folder and the trash folder):
 *       the whole worktree;</li>
 *   <li>the administrative folder {@code .git/worktrees/<id>} is renamed to
 *       {@code agent-orchestrator/removing-<token>} (one rename): git no longer lists the worktree;</li>
 *   <li>the worktree folder is renamed to the hidden {@code .<name>.removing-<token>} beside it
 *       (one rename), then deleted, then the moved administrative folder is deleted;</li>
 *   <li>the journal is deleted.</li>
 * </ol>
 * {@link #recover} finishes (rolls forward) every removal whose journal no live process holds:
 * once step 2 has happened, nothing git lists is left to roll back to.
 */
public final class AtomicWorktreeRemove {

    static final String PREFIX = "removing-";
    private static final String SUFFIX = ".journal";

    /** The names {@link #onStep} is called with, in order. */
    public static final List<String> STEPS = List.of("journal", "hidden", "trashed");

    /** A test seam: called with each step's name as it completes, so a test can kill the process there. */
    private static volatile java.util.function.Consumer<String> stepHook = step -> { };

    private AtomicWorktreeRemove() {
    }

    /** Installs the step hook (tests only); {@code null} removes it. */
    public static void onStep(java.util.function.Consumer<String> hook) {
        stepHook = hook == null ? step -> { } : hook;
    }

    /**
     * Removes the worktree whose administrative folder is {@code admin} and whose folder is
     * {@code folder}; the folder is deleted only when it is this worktree's (its {@code .git} file
     * points back at {@code admin}) and otherwise left alone. The caller has made its checks.
     *
     * @throws IOException when a step fails; the worktree is then either still whole and listed, or
     *                     no longer listed and the journal left for {@link #recover} to finish
     */
    public static void remove(Path commonDir, Path admin, Path folder) throws IOException {
        String token = WorktreeJournal.newToken();
        Path journalFolder = WorktreeJournal.folder(commonDir);
        Files.createDirectories(journalFolder);
        Path journal = journalFolder.resolve(PREFIX + token + SUFFIX);
        Path moved = journalFolder.resolve(PREFIX + token);
        Path trash = trash(folder, token);
        boolean ours = pointsBack(folder, admin);
        try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            channel.lock();
            String text = "admin=" + admin + "\nfolder=" + (ours ? folder.toString() : "") + "\ntrash="
                    + (ours ? trash.toString() : "") + "\n";
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            channel.force(false);
            try {
                stepHook.accept("journal");
                Files.move(admin, moved, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                // Nothing changed yet: the worktree is whole and listed.
                Files.deleteIfExists(journal);
                throw e;
            }
            stepHook.accept("hidden");
            finish(journal, moved, ours ? folder : null, ours ? trash : null);
        }
        deleteIfEmpty(admin.getParent());
        deleteIfEmpty(journalFolder);
    }

    /**
     * Finishes every removal whose process died, and returns the worktree folders so finished.
     */
    public static List<Path> recover(Path commonDir) throws IOException {
        Path journalFolder = WorktreeJournal.folder(commonDir);
        if (!Files.isDirectory(journalFolder)) {
            return List.of();
        }
        java.util.ArrayList<Path> finished = new java.util.ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(journalFolder, PREFIX + "*" + SUFFIX)) {
            for (Path journal : files) {
                String name = journal.getFileName().toString();
                Path moved = journalFolder.resolve(name.substring(0, name.length() - SUFFIX.length()));
                FileChannel channel;
                try {
                    channel = FileChannel.open(journal, StandardOpenOption.READ, StandardOpenOption.WRITE);
                } catch (NoSuchFileException finishedMeanwhile) {
                    continue;
                }
                try (channel) {
                    FileLock lock;
                    try {
                        lock = channel.tryLock();
                    } catch (OverlappingFileLockException heldInThisJvm) {
                        lock = null;
                    }
                    if (lock == null) {
                        continue; // a live removal
                    }
                    String text = Files.readString(journal, StandardCharsets.UTF_8);
                    Optional<Path> admin = field(text, "admin");
                    Optional<Path> folder = field(text, "folder");
                    Optional<Path> trash = field(text, "trash");
                    if (admin.isPresent() && Files.exists(admin.get(), LinkOption.NOFOLLOW_LINKS)
                            && !Files.exists(moved, LinkOption.NOFOLLOW_LINKS)) {
                        // Died before the administrative folder moved: the worktree is whole; keep it.
                        Files.deleteIfExists(journal);
                        continue;
                    }
                    // The folder is deleted only while it still points at the (moved) administrative folder.
                    Path wtFolder = folder.filter(f -> admin.isPresent() && pointsBack(f, admin.get())).orElse(null);
                    finish(journal, moved, wtFolder, trash.orElse(null));
                    folder.ifPresent(finished::add);
                }
            }
        }
        if (!finished.isEmpty()) {
            deleteIfEmpty(commonDir.resolve("worktrees"));
        }
        return List.copyOf(finished);
    }

    private static void finish(Path journal, Path moved, Path folder, Path trash) throws IOException {
        if (folder != null && Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(folder, trash, StandardCopyOption.ATOMIC_MOVE);
            stepHook.accept("trashed");
        }
        if (trash != null) {
            CanonicalPaths.deleteRecursively(trash);
        }
        CanonicalPaths.deleteRecursively(moved);
        Files.deleteIfExists(journal);
    }

    /** The hidden folder beside {@code folder} its files are deleted in. */
    private static Path trash(Path folder, String token) {
        return folder.resolveSibling("." + folder.getFileName() + "." + PREFIX + token);
    }

    /** True when {@code folder/.git} is a file naming {@code admin}, absolute or relative to the folder. */
    public static boolean pointsBack(Path folder, Path admin) {
        Path dotGit = folder.resolve(".git");
        if (!Files.isRegularFile(dotGit, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            String line = Files.readString(dotGit, StandardCharsets.UTF_8).strip();
            if (!line.startsWith("gitdir: ")) {
                return false;
            }
            Path named = folder.resolve(line.substring("gitdir: ".length()).strip()).normalize();
            return named.equals(admin.normalize())
                    || CanonicalPaths.canonical(named).equals(CanonicalPaths.canonical(admin));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static Optional<Path> field(String text, String key) {
        return text.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
                .filter(v -> !v.isEmpty()).findFirst().map(Path::of);
    }

    private static void deleteIfEmpty(Path folder) {
        if (folder != null && Files.isDirectory(folder) && CanonicalPaths.isEmptyDirectory(folder)) {
            try {
                Files.deleteIfExists(folder);
            } catch (IOException raced) {
                // Something was added meanwhile; keeping the folder is right.
            }
        }
    }
}
