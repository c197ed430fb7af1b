package dev.agentorchestrator;

/** The state store could not read or write (I/O error, lock not obtained in time). */
public class StateStoreException extends OrchestratorException {
    private static final long serialVersionUID = 1L;

    public StateStoreException(String message) {
        super(message);
    }

    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
