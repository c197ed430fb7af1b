package dev.agentorchestrator.git;

import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.GitBackendMergeContract;

/** The merge half of the backend contract run against the git binary. */
class GitCliBackendMergeContractTest extends GitBackendMergeContract {

    private final GitBackend backend = new GitCliBackend();

    @Override
    protected GitBackend backend() {
        return backend;
    }
}
