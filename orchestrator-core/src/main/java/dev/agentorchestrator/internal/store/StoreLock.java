package dev.agentorchestrator.internal.store;

import dev.agentorchestrator.StateStoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The store's lock, exclusive across threads and processes: an OS file lock on a dedicated lock
 * file, taken while holding an in-process lock.
 *
 * <p>Both are needed because an OS file lock belongs to the whole JVM: a second lock on the same
 * file from the same JVM throws {@code OverlappingFileLockException} instead of waiting, and on
 * POSIX systems closing <em>any</em> channel on the file drops every lock the JVM holds on it. So
 * all stores in one JVM that use the same lock file share one channel and one
 * {@link ReentrantLock}, kept in a process-wide table (the only static state of the store, forced
 * by how file locks work) and closed when the last of those stores closes.
 *
 * <p>The OS releases a file lock when its process dies, even by SIGKILL, so a crashed holder never
 * leaves a stale lock behind.
 */
final class StoreLock implements AutoCloseable {

    private static final Map<Path, Shared> SHARED = new HashMap<>();

    private final Path lockFile;
    private final Shared shared;
    private boolean closed;

    private StoreLock(Path lockFile, Shared shared) {
        this.lockFile = lockFile;
        this.shared = shared;
    }

    /** Opens the lock on {@code lockFile}, creating the file when needed. */
    static StoreLock open(Path lockFile) throws IOException {
        try {
            Files.createFile(lockFile);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // Another process made it first; any existing file serves.
        }
        Path key = lockFile.toRealPath();
        synchronized (SHARED) {
            Shared shared = SHARED.computeIfAbsent(key, k -> new Shared());
            shared.users++;
            return new StoreLock(key, shared);
        }
    }

    /** The lock file, as a person would look for it. */
    Path file() {
        return lockFile;
    }

    /**
     * Waits up to {@code timeout} for the lock. Re-entrant within one thread.
     *
     * @throws StateStoreException naming the lock file when it is not obtained in time
     */
    Held acquire(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!shared.threads.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw timedOut(timeout, "another thread of this process");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateStoreException("Interrupted while waiting for the state store lock " + lockFile
                    + "; nothing was written.", e);
        }
        if (shared.threads.getHoldCount() > 1) {
            return new Held(this);
        }
        try {
            shared.fileLock = lockFile(deadline, timeout);
            return new Held(this);
        } catch (RuntimeException | Error e) {
            shared.threads.unlock();
            throw e;
        }
    }

    private FileLock lockFile(long deadline, Duration timeout) {
        long pauseMillis = 1;
        try {
            if (shared.channel == null || !shared.channel.isOpen()) {
                shared.channel = FileChannel.open(lockFile, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
            }
            while (true) {
                FileLock lock = shared.channel.tryLock();
                if (lock != null) {
                    return lock;
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw timedOut(timeout, "another process");
                }
                // FileChannel.lock() cannot time out, so poll; the pause stays short because
                // holders keep the lock only for one read-change-write.
                Thread.sleep(pauseMillis);
                pauseMillis = Math.min(pauseMillis * 2, 16);
            }
        } catch (IOException e) {
            throw new StateStoreException("Could not lock the state store lock file " + lockFile + ": "
                    + e.getMessage() + ". Check that the folder is writable.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateStoreException("Interrupted while waiting for the state store lock " + lockFile
                    + "; nothing was written.", e);
        }
    }

    private StateStoreException timedOut(Duration timeout, String holder) {
        return new StateStoreException("Waited " + timeout.toMillis() + " ms for the state store lock " + lockFile
                + ", but " + holder + " holds it (an orchestrator, the command line or a supervisor working on the"
                + " same repository). Retry when it has finished, or stop that process; a lock is released"
                + " automatically when its holder exits.");
    }

    private void release() {
        try {
            if (shared.threads.getHoldCount() == 1 && shared.fileLock != null) {
                FileLock lock = shared.fileLock;
                shared.fileLock = null;
                lock.release();
            }
        } catch (IOException e) {
            // The channel is closing or the process is ending; either frees the OS lock anyway.
        } finally {
            shared.threads.unlock();
        }
    }

    @Override
    public void close() {
        synchronized (SHARED) {
            if (closed) {
                return;
            }
            closed = true;
            if (--shared.users == 0) {
                SHARED.remove(lockFile);
                shared.threads.lock();
                try {
                    if (shared.channel != null) {
                        shared.channel.close();
                    }
                } catch (IOException e) {
                    // Nothing is locked any more (every user closed), so a failed close loses nothing.
                } finally {
                    shared.threads.unlock();
                }
            }
        }
    }

    /** The lock while held; closing releases it. */
    static final class Held implements AutoCloseable {
        private final StoreLock owner;

        private Held(StoreLock owner) {
            this.owner = owner;
        }

        @Override
        public void close() {
            owner.release();
        }
    }

    /** What all stores of one JVM on one lock file share. */
    private static final class Shared {
        final ReentrantLock threads = new ReentrantLock();
        FileChannel channel;
        FileLock fileLock;
        int users;
    }
}
