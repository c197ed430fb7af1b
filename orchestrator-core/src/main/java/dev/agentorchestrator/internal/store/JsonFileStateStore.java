package dev.agentorchestrator.internal.store;

import dev.agentorchestrator.FeatureNames;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.StateStoreCorruptedException;
import dev.agentorchestrator.StateStoreException;
import dev.agentorchestrator.UnknownSessionException;
import dev.agentorchestrator.internal.store.SessionJson.DamagedFileException;
import dev.agentorchestrator.spi.SessionLog;
import dev.agentorchestrator.spi.StateStore;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The default {@link StateStore}: one JSON file per session inside the repository's common git
 * directory, which every linked worktree shares, so all of them see the same sessions.
 *
 * <pre>
 * &lt;common git dir&gt;/agent-orchestrator/
 *   store.lock                 held (OS file lock) by whoever creates, changes or deletes a record
 *   sessions/&lt;enc&gt;.json        {"schemaVersion":1,"session":{...}}, see {@link SessionJson}
 *   sessions/&lt;enc&gt;.json.bak    the record as it was before its last change: the last good copy
 *   logs/&lt;enc&gt;.log            the transcript, one line per entry
 *   merge-queue.json           the merge queue, see {@link MergeQueueJson} (and its .bak)
 * </pre>
 * {@code <enc>} is the feature name encoded by {@link StoreFileNames}.
 *
 * <p>Writes take the lock, write a temp file, force it to disk and rename it over the record (see
 * {@link AtomicFiles}), so a reader without the lock sees the old record or the new one, never a
 * mix, and a writer killed at any moment leaves the old record intact. A record that cannot be
 * read is never replaced: reading, updating and {@link #loadAll()} throw
 * {@link StateStoreCorruptedException} naming the file, what is wrong and where the last good copy
 * is. {@code loadAll()} throws rather than skipping the damaged record because a session that
 * silently vanished from the list could be created again over its own branch; a person must look.
 *
 * <p>{@link #loadAll()} returns sessions by creation time, then by name.
 */
@SuppressWarnings("try") // the lock is held by try-with-resources whose variable the body never reads
public final class JsonFileStateStore implements StateStore {

    /** One log per session, so that its append channel stays open across appends. */
    private final java.util.Map<String, FileSessionLog> openLogs = new java.util.concurrent.ConcurrentHashMap<>();

    /** The folder inside the common git directory. */
    public static final String FOLDER = "agent-orchestrator";
    /** How long a write waits for another writer by default. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(30);

    private static final String RECORD = ".json";
    private static final String BACKUP = ".json.bak";

    private final Path sessions;
    private final Path logs;
    private final Path mergeQueue;
    private final StoreLock lock;
    private final Duration lockTimeout;
    private final AtomicFiles.BeforeRename beforeRename;
    private volatile boolean closed;

    private JsonFileStateStore(Path sessions, Path logs, StoreLock lock, Duration lockTimeout,
                               AtomicFiles.BeforeRename beforeRename) {
        this.sessions = sessions;
        this.logs = logs;
        this.mergeQueue = sessions.resolveSibling("merge-queue.json");
        this.lock = lock;
        this.lockTimeout = lockTimeout;
        this.beforeRename = beforeRename;
    }

    /**
     * Opens the store of the repository whose common git directory is {@code commonGitDir}
     * ({@code git rev-parse --git-common-dir}), creating its folders when needed.
     */
    public static JsonFileStateStore open(Path commonGitDir, Duration lockTimeout) {
        return open(commonGitDir, lockTimeout, AtomicFiles.BeforeRename.NONE);
    }

    static JsonFileStateStore open(Path commonGitDir, Duration lockTimeout, AtomicFiles.BeforeRename beforeRename) {
        Objects.requireNonNull(commonGitDir, "commonGitDir");
        if (lockTimeout.isNegative()) {
            throw new dev.agentorchestrator.ConfigurationException("lockTimeout must not be negative, was " + lockTimeout);
        }
        if (!Files.isDirectory(commonGitDir)) {
            throw new StateStoreException("Cannot open the state store: " + commonGitDir.toAbsolutePath()
                    + " is not a folder. Pass the repository's common git directory, as printed by"
                    + " 'git rev-parse --git-common-dir' (usually <repo>/.git).");
        }
        Path root = commonGitDir.resolve(FOLDER);
        try {
            Path sessions = Files.createDirectories(root.resolve("sessions"));
            Path logs = Files.createDirectories(root.resolve("logs"));
            StoreLock lock = StoreLock.open(root.resolve("store.lock"));
            return new JsonFileStateStore(sessions, logs, lock, lockTimeout, beforeRename);
        } catch (IOException e) {
            throw new StateStoreException("Could not create the state store folder " + root.toAbsolutePath()
                    + ": " + e + ". Check that the git directory is writable by this user.", e);
        }
    }

    @Override
    public List<SessionRecord> loadAll() {
        ensureOpen();
        List<SessionRecord> all = new ArrayList<>();
        for (Path file : recordFiles()) {
            read(file).ifPresent(all::add);
        }
        all.sort(Comparator.comparing(SessionRecord::createdAt).thenComparing(SessionRecord::name));
        return List.copyOf(all);
    }

    @Override
    public Optional<SessionRecord> load(String name) {
        ensureOpen();
        return read(recordOf(name));
    }

    @Override
    public void create(SessionRecord session) {
        ensureOpen();
        FeatureNames.check(session.name());
        Path file = recordOf(session.name());
        try (StoreLock.Held held = lock.acquire(session.name(), lockTimeout)) {
            if (Files.exists(file)) {
                throw new StateStoreException("A session named '" + session.name() + "' is already stored in "
                        + file + ". Choose another feature name, or delete the stored session first.");
            }
            AtomicFiles.deleteLeftoverTemps(file);
            AtomicFiles.write(file, SessionJson.toBytes(session.toBuilder().revision(1).build()), beforeRename);
        } catch (IOException e) {
            throw ioFailure("store the new session '" + session.name() + "' in", file, e);
        }
    }

    @Override
    public SessionRecord update(String name, UnaryOperator<SessionRecord> change) {
        ensureOpen();
        Objects.requireNonNull(change, "change");
        Path file = recordOf(name);
        try (StoreLock.Held held = lock.acquire(name, lockTimeout)) {
            byte[] old = bytesOf(file).orElseThrow(() -> new UnknownSessionException(name, storedNames()));
            SessionRecord current = parse(old, file);
            SessionRecord next = Objects.requireNonNull(change.apply(current), "the change returned null");
            if (!next.name().equals(name)) {
                throw new StateStoreException("An update of session '" + name + "' returned a session named '"
                        + next.name() + "'; a session cannot be renamed. Create a new one and delete the old.");
            }
            if (next.toBuilder().revision(current.revision()).updatedAt(current.updatedAt()).build().equals(current)) {
                return current;
            }
            next = next.toBuilder().revision(current.revision() + 1).build();
            Path backup = backupOf(file);
            AtomicFiles.deleteLeftoverTemps(file);
            AtomicFiles.deleteLeftoverTemps(backup);
            AtomicFiles.keepCopy(file, backup, old);
            AtomicFiles.write(file, SessionJson.toBytes(next), beforeRename);
            return next;
        } catch (IOException e) {
            throw ioFailure("update session '" + name + "' in", file, e);
        }
    }

    @Override
    public void delete(String name) {
        ensureOpen();
        Path file = recordOf(name);
        try (StoreLock.Held held = lock.acquire(name, lockTimeout)) {
            // The record goes first: once it is gone the session is gone for every reader.
            Files.deleteIfExists(file);
            Files.deleteIfExists(backupOf(file));
            AtomicFiles.deleteLeftoverTemps(file);
            AtomicFiles.deleteLeftoverTemps(backupOf(file));
            logOf(name).delete();
            openLogs.remove(name);
            AtomicFiles.forceFolder(sessions);
        } catch (IOException e) {
            throw ioFailure("delete session '" + name + "' from", file, e);
        }
    }

    @Override
    public List<dev.agentorchestrator.MergeQueueEntry> loadMergeQueue() {
        ensureOpen();
        Optional<byte[]> bytes = bytesOf(mergeQueue);
        if (bytes.isEmpty()) {
            return List.of();
        }
        try {
            return MergeQueueJson.fromBytes(bytes.get());
        } catch (DamagedFileException e) {
            throw damaged(mergeQueue, e);
        }
    }

    @Override
    public void saveMergeQueue(List<dev.agentorchestrator.MergeQueueEntry> entries) {
        ensureOpen();
        Objects.requireNonNull(entries, "entries");
        try (StoreLock.Held held = lock.acquire(lockTimeout)) {
            Optional<byte[]> old = bytesOf(mergeQueue);
            AtomicFiles.deleteLeftoverTemps(mergeQueue);
            if (old.isPresent()) {
                Path backup = backupOf(mergeQueue);
                AtomicFiles.deleteLeftoverTemps(backup);
                AtomicFiles.keepCopy(mergeQueue, backup, old.get());
            }
            AtomicFiles.write(mergeQueue, MergeQueueJson.toBytes(entries), beforeRename);
        } catch (IOException e) {
            throw ioFailure("store the merge queue in", mergeQueue, e);
        }
    }

    /** The file that holds the merge queue. */
    public Path mergeQueueFile() {
        return mergeQueue;
    }

    @Override
    public SessionLog log(String name) {
        ensureOpen();
        return logOf(name);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            openLogs.values().forEach(FileSessionLog::closeChannel);
            openLogs.clear();
            lock.close();
        }
    }

    /** The folder that holds the session records. */
    public Path sessionsFolder() {
        return sessions;
    }

    /** The cross-process lock file. */
    public Path lockFile() {
        return lock.file();
    }

    private FileSessionLog logOf(String name) {
        return openLogs.computeIfAbsent(name, n -> new FileSessionLog(logs.resolve(StoreFileNames.encode(n) + ".log")));
    }

    private Path recordOf(String name) {
        Objects.requireNonNull(name, "name");
        return sessions.resolve(StoreFileNames.encode(name) + RECORD);
    }

    private static Path backupOf(Path record) {
        return record.resolveSibling(record.getFileName() + ".bak");
    }

    private List<Path> recordFiles() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(sessions, "*" + RECORD)) {
            entries.forEach(files::add);
        } catch (IOException e) {
            throw ioFailure("list the sessions in", sessions, e);
        }
        files.sort(Comparator.comparing(Path::toString));
        return files;
    }

    private Optional<SessionRecord> read(Path file) {
        return bytesOf(file).map(bytes -> parse(bytes, file));
    }

    private Optional<byte[]> bytesOf(Path file) {
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw ioFailure("read", file, e);
        }
    }

    private SessionRecord parse(byte[] bytes, Path file) {
        SessionRecord session;
        try {
            session = SessionJson.fromBytes(bytes);
        } catch (DamagedFileException e) {
            throw damaged(file, e);
        }
        String expected = file.getFileName().toString();
        if (!expected.equals(StoreFileNames.encode(session.name()) + RECORD)) {
            throw damaged(file, new DamagedFileException("it holds the session '" + session.name()
                    + "', whose record belongs in " + StoreFileNames.encode(session.name()) + RECORD
                    + " (was it copied or renamed by hand?)", null));
        }
        return session;
    }

    private StateStoreCorruptedException damaged(Path file, DamagedFileException problem) {
        if (problem.newerSchema()) {
            return new StateStoreCorruptedException(file, "The state file " + file + " cannot be read: "
                    + problem.getMessage() + ". Upgrade agent-orchestrator to use this repository; do not edit,"
                    + " replace or restore an older copy of the file, which would lose what the newer version"
                    + " stored.", problem);
        }
        Path backup = backupOf(file);
        String advice = Files.exists(backup)
                ? "The last good copy is " + backup + "; move the damaged file away, or restore the copy by"
                        + " renaming it to " + file.getFileName() + "."
                : "There is no earlier copy (" + backup.getFileName() + " does not exist, as the session was not"
                        + " changed since it was created); move the damaged file away to drop the session.";
        return new StateStoreCorruptedException(file, "The state file " + file + " is damaged: "
                + problem.getMessage() + ". The store has not changed it and will not write over it. " + advice,
                problem);
    }

    /** Names of the readable stored sessions, for an error message; damaged files are skipped here. */
    private List<String> storedNames() {
        List<String> names = new ArrayList<>();
        for (Path file : recordFiles()) {
            try {
                SessionJson.nameIn(Files.readAllBytes(file)).ifPresent(names::add);
            } catch (IOException e) {
                // Only for a message; a file that vanished or cannot be read is simply not listed.
            }
        }
        return names;
    }

    private StateStoreException ioFailure(String action, Path file, IOException e) {
        return new StateStoreException("Could not " + action + " " + file + ": " + e
                + ". Check that the folder is writable by this user and that the disk is not full.", e);
    }

    private void ensureOpen() {
        if (closed) {
            throw new StateStoreException("This state store is closed. Open a new one with"
                    + " StateStores.jsonFiles(commonGitDir).");
        }
    }
}
