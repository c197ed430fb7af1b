package dev.agentorchestrator.jgit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.dircache.DirCacheCheckout;
import org.eclipse.jgit.dircache.DirCacheCheckout.CheckoutMetadata;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.CoreConfig.EolStreamType;
import org.eclipse.jgit.lib.CoreConfig.SymLinks;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.TreeWalk.OperationType;
import org.eclipse.jgit.treewalk.WorkingTreeOptions;

/**
 * Checks a tree out into an empty folder and writes the matching index, like the
 * {@code git reset --hard} that {@code git worktree add} runs in a new worktree.
 *
 * <p>Why not JGit's {@code DirCacheCheckout}: it is built for a tree over an existing working
 * tree, so it walks the folder, writes each file to a temporary name and renames it, and its
 * index cannot hold the inode and owner fields git compares. A new worktree's folder is empty,
 * so every file can be created in place, and the files are independent of one another, so they
 * are written by a few threads, each with its own {@link ObjectReader} (readers are not
 * thread-safe). Folders are all made first, on one thread, so no two writers race to create one.
 * End-of-line conversion and smudge filters from {@code .gitattributes} still apply, through
 * JGit's own {@link DirCacheCheckout#getContent}.
 */
final class WorktreeCheckout {

    private static final FileAttribute<?>[] EXECUTABLE = posix()
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx"))}
            : new FileAttribute<?>[0];
    private static final Set<OpenOption> CREATE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

    private final Repository worktreeRepository;
    private final Path root;
    private final WorkingTreeOptions options;
    private final int threads;

    /** A file to write: where, what, and how to convert it. */
    private record Item(String path, byte[] rawPath, FileMode mode, ObjectId id, CheckoutMetadata metadata) {
    }

    /**
     * @param worktreeRepository the repository opened on the new worktree (its git directory is
     *                           the worktree's administrative folder), so filters run there
     */
    WorktreeCheckout(Repository worktreeRepository) {
        this.worktreeRepository = worktreeRepository;
        this.root = worktreeRepository.getWorkTree().toPath();
        this.options = worktreeRepository.getConfig().get(WorkingTreeOptions.KEY);
        // Writing files is mostly waiting on the file system, so a few more threads than cores
        // help; more than eight only adds contention.
        this.threads = Integer.getInteger("agentorchestrator.jgit.checkoutThreads",
                Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors() * 2)));
    }

    /** Writes every file of {@code tree} under the worktree, then the index at {@code indexFile}. */
    void checkout(RevTree tree, Path indexFile) throws IOException {
        List<Item> items = listTree(tree);
        makeFolders(items);
        IndexEntry[] entries = writeFiles(items);
        GitIndexWriter.write(indexFile, Arrays.asList(entries));
    }

    private List<Item> listTree(RevTree tree) throws IOException {
        List<Item> items = new ArrayList<>();
        try (ObjectReader reader = worktreeRepository.newObjectReader();
             TreeWalk walk = new TreeWalk(worktreeRepository, reader)) {
            walk.setOperationType(OperationType.CHECKOUT_OP);
            walk.setRecursive(true);
            walk.addTree(tree);
            while (walk.next()) {
                FileMode mode = walk.getFileMode(0);
                CheckoutMetadata metadata = null;
                if (mode.getObjectType() == Constants.OBJ_BLOB && mode != FileMode.SYMLINK) {
                    metadata = new CheckoutMetadata(walk.getEolStreamType(OperationType.CHECKOUT_OP),
                            walk.getFilterCommand(Constants.ATTR_FILTER_TYPE_SMUDGE));
                }
                items.add(new Item(walk.getPathString(), walk.getRawPath().clone(), mode,
                        walk.getObjectId(0), metadata));
            }
        }
        return items;
    }

    private void makeFolders(List<Item> items) throws IOException {
        Set<String> folders = new TreeSet<>();
        for (Item item : items) {
            int slash = item.path().lastIndexOf('/');
            if (slash > 0) {
                folders.add(item.path().substring(0, slash));
            }
        }
        for (String folder : folders) {
            Files.createDirectories(root.resolve(folder));
        }
    }

    private IndexEntry[] writeFiles(List<Item> items) throws IOException {
        IndexEntry[] entries = new IndexEntry[items.size()];
        AtomicInteger next = new AtomicInteger();
        int workers = Math.min(threads, Math.max(1, items.size() / 64));
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "jgit-worktree-checkout");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                done.add(pool.submit(() -> {
                    try (ObjectReader reader = worktreeRepository.newObjectReader()) {
                        for (int i = next.getAndIncrement(); i < items.size(); i = next.getAndIncrement()) {
                            entries[i] = writeOne(items.get(i), reader);
                        }
                    } catch (IOException e) {
                        // Stop the other workers early: the whole checkout is failing anyway.
                        next.set(items.size());
                        throw new UncheckedIOException(e);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                await(f);
            }
        } finally {
            pool.shutdownNow();
        }
        return entries;
    }

    private static void await(Future<?> f) throws IOException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while checking out files", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(cause);
        }
    }

    private IndexEntry writeOne(Item item, ObjectReader reader) throws IOException {
        Path file = root.resolve(item.path());
        if (item.mode() == FileMode.GITLINK) {
            // An uninitialised submodule is an empty folder, as git leaves it.
            Files.createDirectories(file);
            return new IndexEntry(item.rawPath(), FileMode.GITLINK.getBits(), item.id(), IndexEntry.Stat.of(file));
        }
        ObjectLoader loader = reader.open(item.id(), Constants.OBJ_BLOB);
        if (item.mode() == FileMode.SYMLINK && options.getSymLinks() != SymLinks.FALSE) {
            String target = new String(loader.getCachedBytes(), StandardCharsets.UTF_8);
            Files.createSymbolicLink(file, file.getFileSystem().getPath(target));
            return new IndexEntry(item.rawPath(), FileMode.SYMLINK.getBits(), item.id(), IndexEntry.Stat.of(file));
        }
        boolean executable = item.mode() == FileMode.EXECUTABLE_FILE && options.isFileMode();
        try (FileChannel channel = FileChannel.open(file, CREATE, executable ? EXECUTABLE : new FileAttribute<?>[0]);
             OutputStream out = Channels.newOutputStream(channel)) {
            CheckoutMetadata metadata = item.metadata();
            if (metadata == null || metadata.eolStreamType == EolStreamType.DIRECT
                    && metadata.smudgeFilterCommand == null) {
                loader.copyTo(out);
            } else {
                DirCacheCheckout.getContent(worktreeRepository, item.path(), metadata, loader, options, out);
            }
        }
        // The index keeps the tree's mode even where the file system could not honour it (a
        // symbolic link written as a plain file, an executable bit with core.fileMode false).
        return new IndexEntry(item.rawPath(), item.mode().getBits(), item.id(), IndexEntry.Stat.of(file));
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
