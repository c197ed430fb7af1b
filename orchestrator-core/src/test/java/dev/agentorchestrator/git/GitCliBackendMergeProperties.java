package dev.agentorchestrator.git;

import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.GitBackendMergeProperties;

/** The merge property run against the git binary (which it then checks against itself: a parser check). */
class GitCliBackendMergeProperties extends GitBackendMergeProperties {

    @Override
    protected GitBackend backend() {
        return new GitCliBackend();
    }
}
