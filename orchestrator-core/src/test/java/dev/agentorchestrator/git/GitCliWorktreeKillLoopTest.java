package dev.agentorchestrator.git;

import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.GitBackendKillLoop;

/** The worktree randomized SIGKILL loop run against the git binary. */
class GitCliWorktreeKillLoopTest extends GitBackendKillLoop {

    private final GitBackend backend = new GitCliBackend();

    @Override
    protected GitBackend backend() {
        return backend;
    }
}
