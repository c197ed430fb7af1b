package dev.agentorchestrator;

/** The orchestrator was closed; start a new one to go on with its sessions. */
public class OrchestratorClosedException extends OrchestratorException {
    private static final long serialVersionUID = 1L;

    public OrchestratorClosedException() {
        super("This orchestrator is closed; its sessions are on disk. Start a new one on the same repository"
                + " with Orchestrator.builder().repo(...).start() to go on with them.");
    }
}
