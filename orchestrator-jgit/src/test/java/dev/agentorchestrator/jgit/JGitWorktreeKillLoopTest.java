package dev.agentorchestrator.jgit;

import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.GitBackendKillLoop;

/** The worktree randomized SIGKILL loop run against JGit. */
class JGitWorktreeKillLoopTest extends GitBackendKillLoop {

    private final GitBackend backend = new JGitBackend();

    @Override
    protected GitBackend backend() {
        return backend;
    }
}
