package dev.agentorchestrator.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * How an agent run ended, as its launcher judged it from the exit code and the output.
 *
 * @param outcome  what the run amounts to
 * @param exitCode the process's exit code (negative when killed by a signal, where known)
 * @param message  a short reason for a person: the agent's error, the question it asked, or empty
 * @param runtime  wall time from launch to exit
 */
public record AgentExit(Outcome outcome, int exitCode, String message, Duration runtime) {

    /** What a finished run amounts to; each launcher documents how it tells them apart. */
    public enum Outcome {
        /** The agent finished its task turn without error. */
        DONE,
        /** The agent stopped to ask a question or was refused a tool. */
        WAITING_FOR_INPUT,
        /** The agent, the model API or the process failed. */
        FAILED,
        /** The run was ended by {@link AgentProcess#stop(Duration)}. */
        STOPPED
    }

    public AgentExit {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(runtime, "runtime");
    }
}
