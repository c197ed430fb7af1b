package dev.agentorchestrator.spi;

import dev.agentorchestrator.AgentEvent;

/**
 * Receives what a running agent produces. Called from the agent's reader threads, one line at a
 * time and in order per stream; implementations must be quick and must not throw (what they
 * throw is logged and dropped).
 */
public interface AgentListener {

    /** A parsed event. */
    void onEvent(AgentEvent event);

    /**
     * A raw line the agent printed, for the session's transcript.
     *
     * @param stream {@code "stdout"} or {@code "stderr"}
     */
    default void onOutput(String stream, String line) {
    }

    /** A listener that ignores everything. */
    static AgentListener ignoring() {
        return event -> { };
    }
}
