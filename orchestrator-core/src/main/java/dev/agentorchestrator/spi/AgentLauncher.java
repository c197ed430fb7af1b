package dev.agentorchestrator.spi;

import dev.agentorchestrator.AgentLaunchException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Starts a coding agent in a worktree. The library ships launchers for Claude Code (the default),
 * Codex, Aider, Gemini CLI and any command ({@link dev.agentorchestrator.Agents}); a host may
 * supply its own. When the builder is not given one, the launchers registered for
 * {@link java.util.ServiceLoader} are asked: those whose {@link #availability()} is usable are
 * candidates, and the one with the highest {@link #priority()} wins.
 *
 * <p>A launcher is a stateless, thread-safe factory: everything about one run lives in the
 * {@link AgentProcess} it returns, and a running agent is found again through its
 * {@link AgentProcess#handle() handle}, also by another instance of the launcher (after a restart).
 */
public interface AgentLauncher {

    /** A short name for messages, logs and stored records, such as {@code "claude-code"}. */
    String name();

    /** Higher wins when several usable launchers are found through {@code ServiceLoader}. */
    default int priority() {
        return 0;
    }

    /**
     * Whether it can run here: its CLI found, its version readable. Discovery skips unusable
     * launchers and reports each one's detail. May take a moment (it may run the CLI once), so
     * callers ask once, not per launch.
     */
    default Availability availability() {
        return Availability.usable(name());
    }

    /**
     * The non-secret settings that decide how the agent runs (executable, model, permission mode,
     * allowed tools, extra arguments...). The engine stores them with each session so that a
     * restart can tell whether the launcher it has now would run the same agent. Never holds
     * environment values, API keys or tokens.
     */
    default Map<String, String> settings() {
        return Map.of();
    }

    /**
     * Whether this launcher can hand {@code prompt} to its agent: empty when it can, else the
     * reason and the fix (for example a prompt too long for the command-line argument a command
     * passes it in). The engine asks before it stores a feature or a follow-up prompt, so a prompt
     * that could never be delivered is refused at once instead of failing at launch. The default
     * accepts every prompt.
     */
    default Optional<String> checkPrompt(String prompt) {
        return Optional.empty();
    }

    /**
     * Starts the agent on {@code request.prompt()} in {@code request.workspace()}, resuming the
     * agent's conversation {@code request.resumeSessionId()} when given. Returns as soon as the
     * agent runs; its events reach {@code request.listener()} on a thread of the process's own.
     *
     * @throws AgentLaunchException when the agent cannot be started (executable missing, folder
     *                              missing); the message says what was tried and what to do
     */
    AgentProcess launch(AgentRequest request);

    /**
     * True while the agent that {@code handle} (from {@link AgentProcess#handle()}) names still
     * runs; also from another process or after a restart. False for a handle this launcher does
     * not recognise.
     */
    default boolean isRunning(String handle) {
        return false;
    }

    /**
     * Ends the agent that {@code handle} names and everything it started (SIGTERM, up to
     * {@code grace}, then SIGKILL), for recovery after a restart. Returns true when it was
     * running, false when it had already ended or the handle is not this launcher's.
     */
    default boolean end(String handle, Duration grace) {
        return false;
    }
}
