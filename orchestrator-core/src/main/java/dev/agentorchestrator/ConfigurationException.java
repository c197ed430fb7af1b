package dev.agentorchestrator;

/**
 * The orchestrator was configured with a value it cannot use, or a required provider is
 * missing. The message names the builder field and the rule.
 */
public class ConfigurationException extends OrchestratorException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
