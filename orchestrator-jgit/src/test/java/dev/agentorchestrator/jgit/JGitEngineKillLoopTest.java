package dev.agentorchestrator.jgit;

import dev.agentorchestrator.engine.EngineKillLoop;
import dev.agentorchestrator.spi.GitBackend;

/** The engine's randomized SIGKILL loop with the JGit backend; fewer kills by default, the git-cli run has more. */
class JGitEngineKillLoopTest extends EngineKillLoop {

    @Override
    protected GitBackend backend() {
        return new JGitBackend();
    }

    @Override
    protected int defaultKills() {
        return 3;
    }
}
