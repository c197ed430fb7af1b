package dev.agentorchestrator.engine;

import dev.agentorchestrator.git.GitCliBackend;
import dev.agentorchestrator.spi.GitBackend;

/** The merge contract on the git-binary backend. */
class GitCliMergeTest extends MergeContract {
    @Override
    protected GitBackend backend() {
        return new GitCliBackend();
    }
}
