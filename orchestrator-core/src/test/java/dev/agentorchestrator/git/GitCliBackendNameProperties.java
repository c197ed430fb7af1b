package dev.agentorchestrator.git;

import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.GitBackendNameProperties;

/** The feature-name property run against the git-binary backend. */
class GitCliBackendNameProperties extends GitBackendNameProperties {

    @Override
    protected GitBackend backend() {
        return new GitCliBackend();
    }
}
