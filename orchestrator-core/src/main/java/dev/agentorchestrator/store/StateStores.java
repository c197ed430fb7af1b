package dev.agentorchestrator.store;

import dev.agentorchestrator.internal.store.JsonFileStateStore;
import dev.agentorchestrator.spi.StateStore;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Factories for the state stores this library ships, for hosts that build one themselves rather
 * than letting {@link java.util.ServiceLoader} find it.
 *
 * <pre>{@code
 * try (StateStore store = StateStores.jsonFiles(Path.of(".git"))) {
 *     store.loadAll().forEach(s -> System.out.println(s.name() + " " + s.state()));
 * }
 * }</pre>
 */
public final class StateStores {

    private StateStores() {
    }

    /**
     * The default store: JSON files under {@code <commonGitDir>/agent-orchestrator/}, shared by every
     * worktree and process of the repository. Writers wait up to 30 seconds for each other.
     *
     * @param commonGitDir the repository's common git directory, as printed by
     *                     {@code git rev-parse --git-common-dir} (usually {@code <repo>/.git})
     * @throws dev.agentorchestrator.StateStoreException when the folder cannot be made
     */
    public static StateStore jsonFiles(Path commonGitDir) {
        return JsonFileStateStore.open(commonGitDir, JsonFileStateStore.DEFAULT_LOCK_TIMEOUT);
    }

    /**
     * Like {@link #jsonFiles(Path)}, waiting at most {@code lockTimeout} for another writer before
     * a write fails with {@link dev.agentorchestrator.StateStoreException}.
     */
    public static StateStore jsonFiles(Path commonGitDir, Duration lockTimeout) {
        return JsonFileStateStore.open(commonGitDir, lockTimeout);
    }
}
