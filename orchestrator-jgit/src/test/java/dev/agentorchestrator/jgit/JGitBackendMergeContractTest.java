package dev.agentorchestrator.jgit;

import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.GitBackendMergeContract;

/** The merge half of the backend contract run against JGit. */
class JGitBackendMergeContractTest extends GitBackendMergeContract {

    private final GitBackend backend = new JGitBackend();

    @Override
    protected GitBackend backend() {
        return backend;
    }
}
