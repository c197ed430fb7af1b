package dev.agentorchestrator.jgit;

import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.GitBackendMergeProperties;

/** The merge property run against JGit: its in-memory merge against git's merge-ort. */
class JGitBackendMergeProperties extends GitBackendMergeProperties {

    @Override
    protected GitBackend backend() {
        return new JGitBackend();
    }
}
