package dev.agentorchestrator.engine;

import dev.agentorchestrator.git.GitCliBackend;
import dev.agentorchestrator.spi.GitBackend;

/** The dependency modes on the git-binary backend. */
class GitCliDependencyModesTest extends DependencyModesContract {
    @Override
    protected GitBackend backend() {
        return new GitCliBackend();
    }
}
