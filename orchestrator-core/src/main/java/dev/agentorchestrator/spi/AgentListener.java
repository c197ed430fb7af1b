package dev.agentorchestrator.spi;

import dev.agentorchestrator.AgentEvent;

/**
 * Receives what a running agent produces. Called from the agent's reader threads, one line at a
 * time and in order per stream; implementations must be quick and must not throw (what they
 * throw is logged and dropped).
 */
public interface AgentListener {

    /** The stream a raw output line came from. */
    enum OutputStream {
        /** The agent's standard output. */
        STDOUT,
        /** The agent's standard error. */
        STDERR
    }

    /** A parsed event. */
    void onEvent(AgentEvent event);

    /** A raw line the agent printed, for the session's transcript. */
    default void onOutput(OutputStream stream, String line) {
    }

    /** A listener that ignores everything. */
    static AgentListener ignoring() {
        return event -> { };
    }
}
