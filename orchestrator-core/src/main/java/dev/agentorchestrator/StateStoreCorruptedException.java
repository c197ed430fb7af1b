package dev.agentorchestrator;

import java.nio.file.Path;

/**
 * A stored file could not be understood (truncated, not JSON, wrong schema). The store never
 * overwrites such a file silently; {@link #file()} names it so that a person can look.
 */
public class StateStoreCorruptedException extends StateStoreException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public StateStoreCorruptedException(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
