package dev.agentorchestrator;

/** A git operation failed: the repository, the branch or the worktree is not as the operation needs. */
public class GitException extends OrchestratorException {
    private static final long serialVersionUID = 1L;

    public GitException(String message) {
        super(message);
    }

    public GitException(String message, Throwable cause) {
        super(message, cause);
    }
}
