package dev.agentorchestrator.spi;

import dev.agentorchestrator.AgentLaunchException;

/**
 * Starts a coding agent in a worktree. The library ships launchers for Claude Code (the default),
 * Codex, Aider, Gemini CLI and any command ({@link dev.agentorchestrator.Agents}); a host may
 * supply its own. When the builder is not given one, the launchers registered for
 * {@link java.util.ServiceLoader} are asked and the one with the highest {@link #priority()} wins.
 *
 * <p>A launcher is a stateless, thread-safe factory: everything about one run lives in the
 * {@link AgentProcess} it returns.
 */
public interface AgentLauncher {

    /** A short name for messages, logs and stored records, such as {@code "claude-code"}. */
    String name();

    /** Higher wins when several launchers are found through {@code ServiceLoader}. */
    default int priority() {
        return 0;
    }

    /**
     * Starts the agent on {@code request.prompt()} in {@code request.workingDirectory()}, resuming
     * the agent's conversation {@code request.resumeSessionId()} when given. Returns as soon as the
     * agent runs; its events reach {@code request.listener()} on a thread of the process's own.
     *
     * @throws AgentLaunchException when the agent cannot be started (executable missing, folder
     *                              missing); the message says what was tried and what to do
     */
    AgentProcess launch(AgentRequest request);
}
