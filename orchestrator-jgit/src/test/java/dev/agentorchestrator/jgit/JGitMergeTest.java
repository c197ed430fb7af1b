package dev.agentorchestrator.jgit;

import dev.agentorchestrator.engine.MergeContract;
import dev.agentorchestrator.spi.GitBackend;

/** The merge contract on the JGit backend. */
class JGitMergeTest extends MergeContract {
    @Override
    protected GitBackend backend() {
        return new JGitBackend();
    }
}
