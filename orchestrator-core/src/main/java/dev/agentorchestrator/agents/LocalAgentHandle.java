package dev.agentorchestrator.agents;

import dev.agentorchestrator.internal.process.ProcessTrees;
import java.time.Instant;
import java.util.Optional;

/**
 * The handle of an agent running as a local process: {@code local:<pid>:<start-epoch-millis>}.
 * The start instant is part of it because the system reuses pids: a process with the same pid
 * that started at another time is not the agent.
 */
record LocalAgentHandle(long pid, Instant startedAt) {
    static final String PREFIX = "local:";

    /** The handle of a process just started. */
    static LocalAgentHandle of(Process process) {
        ProcessHandle handle = process.toHandle();
        // Where the system does not say when the process started, now is within a second of it.
        Instant started = handle.info().startInstant().orElseGet(Instant::now);
        return new LocalAgentHandle(handle.pid(), started);
    }

    /** The handle {@code text} spells, or empty when it is not a local one (another launcher's, or garbled). */
    static Optional<LocalAgentHandle> parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = text.substring(PREFIX.length()).split(":", -1);
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(parts[0]);
            long millis = Long.parseLong(parts[1]);
            return pid > 0 ? Optional.of(new LocalAgentHandle(pid, Instant.ofEpochMilli(millis))) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The process this handle names, while it runs. */
    Optional<ProcessHandle> find() {
        return ProcessTrees.find(pid, Optional.of(startedAt));
    }

    @Override
    public String toString() {
        return PREFIX + pid + ":" + startedAt.toEpochMilli();
    }
}
