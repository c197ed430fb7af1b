package dev.agentorchestrator.jgit;

import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.GitBackendRecoveryContract;

/** The worktree recovery contract run against JGit. */
class JGitBackendRecoveryContractTest extends GitBackendRecoveryContract {

    private final GitBackend backend = new JGitBackend();

    @Override
    protected GitBackend backend() {
        return backend;
    }
}
