package dev.agentorchestrator.engine;

import dev.agentorchestrator.git.GitCliBackend;
import dev.agentorchestrator.spi.GitBackend;

/** The engine's randomized SIGKILL loop with the git-binary backend. */
class EngineKillLoopTest extends EngineKillLoop {

    @Override
    protected GitBackend backend() {
        return new GitCliBackend();
    }
}
