package dev.agentorchestrator.spi;

import java.time.Duration;
import java.util.Map;

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
     * Whether this launcher can run here (its CLI found, its version readable). Default discovery
     * skips launchers that cannot; the default says yes.
     */
    default Availability availability() {
        return Availability.usable(name());
    }

    /**
     * The settings that decide how the agent runs (executable, model, allowed tools, extra
     * arguments), never secrets such as API keys. They are stored with each session, so that an
     * orchestrator started later can tell whether it would resume the session with the same agent.
     */
    default Map<String, String> settings() {
        return Map.of();
    }

    /**
     * True while the agent that {@code handle} (from {@link AgentProcess#handle()}) names still runs,
     * also when asked by another launcher instance or process after a restart.
     */
    default boolean isRunning(String handle) {
        return false;
    }

    /**
     * Ends the agent that {@code handle} names and everything it started: asks it to stop, waits up
     * to {@code grace}, then kills what is left. Used after a restart to end an agent whose host
     * died; returns true when it was running.
     */
    default boolean end(String handle, Duration grace) {
        return false;
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
