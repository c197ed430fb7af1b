package dev.agentorchestrator.spi;

import dev.agentorchestrator.StateStoreCorruptedException;
import dev.agentorchestrator.StateStoreException;
import dev.agentorchestrator.UnknownSessionException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where session records and transcripts live, shared by every process that works on the same
 * repository. The default keeps JSON files in the repository's common git directory.
 *
 * <p>Every method is safe to call from several threads and several processes at once. A write
 * either happens whole or not at all; a record that cannot be read is reported with
 * {@link StateStoreCorruptedException}, never replaced silently.
 */
public interface StateStore extends AutoCloseable {

    /** Every stored session, in the order they were created. */
    List<SessionRecord> loadAll();

    /** The stored session of that name, if any. */
    Optional<SessionRecord> load(String name);

    /**
     * Stores a new session, with revision 1.
     *
     * @throws StateStoreException when a session of that name is already stored
     */
    void create(SessionRecord session);

    /**
     * Reads the stored session, applies {@code change} and stores the result, all under the
     * store's lock, so that concurrent updates from other threads or processes are never lost.
     * {@code change} may run more than once and must not have side effects; what it throws leaves
     * the record as it was and reaches the caller. The stored result has the revision of the
     * stored copy plus one; a change that alters nothing but {@code updatedAt} is not written.
     *
     * @return the stored result
     * @throws UnknownSessionException when no session of that name is stored
     */
    SessionRecord update(String name, UnaryOperator<SessionRecord> change);

    /** Deletes the session's record and transcript; does nothing when there is none. */
    void delete(String name);

    /** The session's transcript: the agent's raw output and the orchestrator's notes, in order. */
    SessionLog log(String name);

    /**
     * The stored merge queue, as {@link #saveMergeQueue} last stored it; empty when there is none.
     * The default stores nothing: a store that does not override this pair still works, but its
     * merge queue lives only as long as the orchestrator (a restart finds it empty).
     *
     * @throws StateStoreCorruptedException when the stored queue cannot be read
     */
    default List<dev.agentorchestrator.MergeQueueEntry> loadMergeQueue() {
        return List.of();
    }

    /**
     * Stores the whole merge queue in place of the one stored before, whole or not at all: a reader,
     * or a restart after a crash, finds the old queue or the new one, never a mix. Only the engine
     * that holds the repository writes it.
     */
    default void saveMergeQueue(List<dev.agentorchestrator.MergeQueueEntry> entries) {
        // Kept in memory only; see loadMergeQueue.
    }

    /** Releases locks and handles; the stored files stay. */
    @Override
    void close();

    /**
     * Makes a {@link StateStore} for a repository. Registered for {@link java.util.ServiceLoader};
     * the one with the highest priority is used when the builder is not given a store.
     */
    interface Provider {
        /** A short name for messages, such as {@code "json-files"}. */
        String name();

        default int priority() {
            return 0;
        }

        /**
         * Opens (creating if needed) the store of the repository whose common git directory is
         * {@code commonGitDir}.
         */
        StateStore open(Path commonGitDir);
    }
}
