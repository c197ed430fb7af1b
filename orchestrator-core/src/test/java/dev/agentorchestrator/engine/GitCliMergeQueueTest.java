package dev.agentorchestrator.engine;

import dev.agentorchestrator.git.GitCliBackend;
import dev.agentorchestrator.spi.GitBackend;

/** The merge queue contract on the git-binary backend. */
class GitCliMergeQueueTest extends MergeQueueContract {
    @Override
    protected GitBackend backend() {
        return new GitCliBackend();
    }
}
