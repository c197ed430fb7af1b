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
 * file, taken while holding an in-process lock. It comes whole ({@link #acquire(Duration)}: the
 * whole file) or by record ({@link #acquire(String, Duration)}: one byte of the file, chosen by
 * the record's name out of {@value #STRIPES}), so that writes of different sessions, each forced
 * to disk, do not wait for each other (issue 21: at 32 sessions the global lock was the queue's
 * floor); two names that share a byte only wait for each other, which is always safe.
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
    /** How many byte ranges the records spread over. */
    static final int STRIPES = 64;

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
            shared.file = key;
            shared.users++;
            return new StoreLock(key, shared);
        }
    }

    /** The lock file, as a person would look for it. */
    Path file() {
        return lockFile;
    }

    /**
     * Waits up to {@code timeout} for the whole lock: no record can be written by any thread or
     * process meanwhile. Re-entrant within one thread.
     *
     * @throws StateStoreException naming the lock file when it is not obtained in time
     */
    Held acquire(Duration timeout) {
        return acquire(-1, shared.rw.writeLock(), timeout);
    }

    /**
     * Waits up to {@code timeout} for the part of the lock that guards the record {@code name}.
     * Re-entrant within one thread.
     *
     * @throws StateStoreException naming the lock file when it is not obtained in time
     */
    Held acquire(String name, Duration timeout) {
        int stripe = Math.floorMod(name.hashCode(), STRIPES);
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!tryLock(shared.rw.readLock(), timeout)) {
            throw timedOut(timeout, "another thread of this process");
        }
        try {
            return acquire(stripe, shared.stripes[stripe], Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))
                    .alsoReleasing(shared.rw.readLock());
        } catch (RuntimeException | Error e) {
            shared.rw.readLock().unlock();
            throw e;
        }
    }

    /** Takes {@code threads}, then (when this thread did not hold it already) the OS lock on the stripe, or the whole file for -1. */
    private Held acquire(int stripe, java.util.concurrent.locks.Lock threads, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!tryLock(threads, timeout)) {
            throw timedOut(timeout, "another thread of this process");
        }
        int holds = threads instanceof ReentrantLock r ? r.getHoldCount() : shared.rw.getWriteHoldCount();
        if (holds > 1) {
            return new Held(this, stripe, threads, false);
        }
        try {
            FileLock lock = lockFile(stripe, deadline, timeout);
            if (stripe < 0) {
                shared.wholeLock = lock;
            } else {
                shared.stripeLocks[stripe] = lock;
            }
            return new Held(this, stripe, threads, true);
        } catch (RuntimeException | Error e) {
            threads.unlock();
            throw e;
        }
    }

    private boolean tryLock(java.util.concurrent.locks.Lock lock, Duration timeout) {
        try {
            return lock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateStoreException("Interrupted while waiting for the state store lock " + lockFile
                    + "; nothing was written.", e);
        }
    }

    private FileLock lockFile(int stripe, long deadline, Duration timeout) {
        long pauseMillis = 1;
        try {
            FileChannel channel = shared.channel();
            while (true) {
                FileLock lock = stripe < 0 ? channel.tryLock() : channel.tryLock(stripe, 1, false);
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

    private void release(int stripe, java.util.concurrent.locks.Lock threads, boolean osLock) {
        try {
            if (osLock) {
                FileLock lock = stripe < 0 ? shared.wholeLock : shared.stripeLocks[stripe];
                if (stripe < 0) {
                    shared.wholeLock = null;
                } else {
                    shared.stripeLocks[stripe] = null;
                }
                if (lock != null) {
                    lock.release();
                }
            }
        } catch (IOException e) {
            // The channel is closing or the process is ending; either frees the OS lock anyway.
        } finally {
            threads.unlock();
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
                shared.rw.writeLock().lock();
                try {
                    if (shared.channel != null) {
                        shared.channel.close();
                    }
                } catch (IOException e) {
                    // Nothing is locked any more (every user closed), so a failed close loses nothing.
                } finally {
                    shared.rw.writeLock().unlock();
                }
            }
        }
    }

    /** The lock while held; closing releases it. */
    static final class Held implements AutoCloseable {
        private final StoreLock owner;
        private final int stripe;
        private final java.util.concurrent.locks.Lock threads;
        private final boolean osLock;
        private java.util.concurrent.locks.Lock alsoRelease;

        private Held(StoreLock owner, int stripe, java.util.concurrent.locks.Lock threads, boolean osLock) {
            this.owner = owner;
            this.stripe = stripe;
            this.threads = threads;
            this.osLock = osLock;
        }

        private Held alsoReleasing(java.util.concurrent.locks.Lock outer) {
            alsoRelease = outer;
            return this;
        }

        @Override
        public void close() {
            try {
                owner.release(stripe, threads, osLock);
            } finally {
                if (alsoRelease != null) {
                    alsoRelease.unlock();
                }
            }
        }
    }

    /**
     * What all stores of one JVM on one lock file share. The whole lock is the write side of
     * {@code rw}; a record's stripe is its read side plus the stripe's own lock, so the JVM never
     * asks the OS for overlapping ranges (which would throw instead of waiting).
     */
    private static final class Shared {
        final java.util.concurrent.locks.ReentrantReadWriteLock rw = new java.util.concurrent.locks.ReentrantReadWriteLock();
        final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
        final FileLock[] stripeLocks = new FileLock[STRIPES];
        FileLock wholeLock;
        FileChannel channel;
        Path file;
        int users;

        Shared() {
            for (int i = 0; i < STRIPES; i++) {
                stripes[i] = new ReentrantLock();
            }
        }

        synchronized FileChannel channel() throws IOException {
            if (channel == null || !channel.isOpen()) {
                channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
            }
            return channel;
        }
    }
}
