package dev.agentorchestrator.jgit;

import dev.agentorchestrator.engine.MergeQueueContract;
import dev.agentorchestrator.spi.GitBackend;

/** The merge queue contract on the JGit backend. */
class JGitMergeQueueTest extends MergeQueueContract {
    @Override
    protected GitBackend backend() {
        return new JGitBackend();
    }
}
