package dev.agentorchestrator.jgit;

import dev.agentorchestrator.engine.DependencyModesContract;
import dev.agentorchestrator.spi.GitBackend;

/** The dependency modes on the JGit backend. */
class JGitDependencyModesTest extends DependencyModesContract {
    @Override
    protected GitBackend backend() {
        return new JGitBackend();
    }
}
