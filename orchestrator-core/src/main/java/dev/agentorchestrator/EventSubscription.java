package dev.agentorchestrator;

/** A listener's registration; closing it unsubscribes. Closing twice is harmless. */
public interface EventSubscription extends AutoCloseable {
    @Override
    void close();
}
