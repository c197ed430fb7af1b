package dev.agentorchestrator.jgit;

import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.GitBackendNameProperties;

/** The feature-name property run against the JGit backend. */
class JGitBackendNameProperties extends GitBackendNameProperties {

    @Override
    protected GitBackend backend() {
        return new JGitBackend();
    }
}
