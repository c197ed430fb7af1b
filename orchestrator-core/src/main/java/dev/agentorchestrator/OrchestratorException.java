package dev.agentorchestrator;

/**
 * Root of every exception the library throws. Unchecked on purpose: a host catches what it can
 * act on and lets the rest travel. Each subtype's message names the thing, the rule that failed
 * and what to do about it.
 */
public class OrchestratorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OrchestratorException(String message) {
        super(message);
    }

    public OrchestratorException(String message, Throwable cause) {
        super(message, cause);
    }
}
