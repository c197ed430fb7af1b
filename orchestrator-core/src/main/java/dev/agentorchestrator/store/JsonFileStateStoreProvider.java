package dev.agentorchestrator.store;

import dev.agentorchestrator.spi.StateStore;
import java.nio.file.Path;

/**
 * Registers the default JSON-file store with {@link java.util.ServiceLoader} under the name
 * {@code json-files}, priority 0, so that a host's own provider with a higher priority wins.
 */
public final class JsonFileStateStoreProvider implements StateStore.Provider {

    /** Needed by {@link java.util.ServiceLoader}. */
    public JsonFileStateStoreProvider() {
    }

    @Override
    public String name() {
        return "json-files";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public StateStore open(Path commonGitDir) {
        return StateStores.jsonFiles(commonGitDir);
    }
}
