package dev.agentorchestrator.internal.store;

import dev.agentorchestrator.StateStoreException;
import dev.agentorchestrator.spi.SessionLog;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.spi.StateStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The real JSON store with a switch that makes the disk look full, for fault tests. A real full
 * disk needs a small mounted file system (root and a mount), which tests cannot count on, so the
 * fault is injected at the two places a full disk is felt: a record's write fails with
 * {@code IOException("No space left on device")} after its temp file was written and before the
 * rename (inside the store's own atomic write, which must then leave the old record whole), and
 * each transcript append fails the way {@link FileSessionLog} reports a failed append.
 */
public final class DiskFullStore implements StateStore {
    private final JsonFileStateStore real;
    private volatile boolean full;
    private final java.util.concurrent.atomic.AtomicInteger failing = new java.util.concurrent.atomic.AtomicInteger();

    private DiskFullStore(Path commonGitDir) {
        this.real = JsonFileStateStore.open(commonGitDir, JsonFileStateStore.DEFAULT_LOCK_TIMEOUT, (temp, target) -> {
            if (full || failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IOException("No space left on device");
            }
        });
    }

    /** The next {@code writes} record writes fail as on a full disk; the ones after them find room again. */
    public void failNextWrites(int writes) {
        failing.set(writes);
    }

    /** Opens the store of the repository whose common git directory is {@code commonGitDir}; the disk starts with room. */
    public static DiskFullStore open(Path commonGitDir) {
        return new DiskFullStore(commonGitDir);
    }

    /** From now on every write fails as on a full disk ({@code true}), or succeeds again ({@code false}). */
    public void full(boolean isFull) {
        this.full = isFull;
    }

    /** The folder of the session records. */
    public Path sessionsFolder() {
        return real.sessionsFolder();
    }

    @Override
    public List<SessionRecord> loadAll() {
        return real.loadAll();
    }

    @Override
    public Optional<SessionRecord> load(String name) {
        return real.load(name);
    }

    @Override
    public void create(SessionRecord session) {
        real.create(session);
    }

    @Override
    public SessionRecord update(String name, UnaryOperator<SessionRecord> change) {
        return real.update(name, change);
    }

    @Override
    public void delete(String name) {
        real.delete(name);
    }

    @Override
    public SessionLog log(String name) {
        SessionLog log = real.log(name);
        return new SessionLog() {
            @Override
            public void append(String line) {
                if (full) {
                    throw new StateStoreException("Could not append to the session log " + log.file().orElse(null)
                            + ": No space left on device. Check that the folder exists and is writable and that the"
                            + " disk is not full.", new IOException("No space left on device"));
                }
                log.append(line);
            }

            @Override
            public List<String> tail(int maxLines) {
                return log.tail(maxLines);
            }

            @Override
            public Optional<Path> file() {
                return log.file();
            }
        };
    }

    @Override
    public void close() {
        real.close();
    }
}
