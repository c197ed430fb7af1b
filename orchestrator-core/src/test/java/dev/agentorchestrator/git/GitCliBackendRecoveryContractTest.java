package dev.agentorchestrator.git;

import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.GitBackendRecoveryContract;

/** The worktree recovery contract run against the git binary. */
class GitCliBackendRecoveryContractTest extends GitBackendRecoveryContract {

    private final GitBackend backend = new GitCliBackend();

    @Override
    protected GitBackend backend() {
        return backend;
    }
}
