package dev.agentorchestrator;

import java.util.function.Consumer;

/**
 * Subscribes listeners to an orchestrator's events. Each listener gets every event in the order
 * it was published, on a thread of the orchestrator's listener executor, never on the engine's own
 * thread; a slow listener delays only itself, and one that throws is logged and keeps receiving.
 */
public interface Events {

    /** Subscribes to every event. */
    EventSubscription subscribe(Consumer<? super OrchestratorEvent> listener);

    /** Subscribes to events of one type, for example {@code OrchestratorEvent.StateChanged.class}. */
    <T extends OrchestratorEvent> EventSubscription subscribe(Class<T> type, Consumer<? super T> listener);

    /** Removes every subscription of this listener; does nothing if it has none. */
    void unsubscribe(Consumer<?> listener);
}
