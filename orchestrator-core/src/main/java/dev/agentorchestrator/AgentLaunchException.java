package dev.agentorchestrator;

/** An agent could not be started (missing executable, bad working directory, refused options). */
public class AgentLaunchException extends OrchestratorException {
    private static final long serialVersionUID = 1L;

    public AgentLaunchException(String message) {
        super(message);
    }

    public AgentLaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
