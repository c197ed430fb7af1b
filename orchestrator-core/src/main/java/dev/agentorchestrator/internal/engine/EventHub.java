package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.EventSubscription;
import dev.agentorchestrator.Events;
import dev.agentorchestrator.OrchestratorEvent;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to listeners off the engine's threads. Each subscription has its own queue,
 * drained by at most one task at a time on the executor, so a listener sees events in publish
 * order, a slow listener delays only itself, and a throwing one is logged and keeps receiving.
 *
 * <p>A queue is bounded for the one kind of event that comes in floods: a listener more than
 * {@value #MAX_ACTIVITY_BACKLOG} events behind misses new {@code AgentActivity} events (counted,
 * and logged when it catches up) instead of holding every line of every agent in memory. Every
 * other event (state changes, updates with the session's snapshot, CI, merges, overlaps) is
 * always queued: their number is bounded by what the sessions do, not by what the agents print.
 */
final class EventHub implements Events {
    private static final Logger log = LoggerFactory.getLogger(EventHub.class);
    /** How far behind a listener may fall before it misses agent activity. */
    static final int MAX_ACTIVITY_BACKLOG = 10_000;

    private final Executor executor;
    private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();

    EventHub(Executor executor) {
        this.executor = executor;
    }

    void publish(OrchestratorEvent event) {
        for (Subscription s : subscriptions) {
            s.offer(event);
        }
    }

    @Override
    public EventSubscription subscribe(Consumer<? super OrchestratorEvent> listener) {
        return subscribe(OrchestratorEvent.class, listener);
    }

    @Override
    public <T extends OrchestratorEvent> EventSubscription subscribe(Class<T> type, Consumer<? super T> listener) {
        java.util.Objects.requireNonNull(type, "type");
        java.util.Objects.requireNonNull(listener, "listener");
        Subscription s = new Subscription(type, listener);
        subscriptions.add(s);
        return s;
    }

    @Override
    public void unsubscribe(Consumer<?> listener) {
        subscriptions.removeIf(s -> s.listener == listener);
    }

    private final class Subscription implements EventSubscription, Runnable {
        private final Class<? extends OrchestratorEvent> type;
        private final Consumer<?> listener;
        private final Queue<OrchestratorEvent> pending = new ArrayDeque<>();
        private boolean draining;
        private long missed;

        Subscription(Class<? extends OrchestratorEvent> type, Consumer<?> listener) {
            this.type = type;
            this.listener = listener;
        }

        void offer(OrchestratorEvent event) {
            if (!type.isInstance(event)) {
                return;
            }
            synchronized (this) {
                if (pending.size() >= MAX_ACTIVITY_BACKLOG && event instanceof OrchestratorEvent.AgentActivity) {
                    missed++;
                    return;
                }
                pending.add(event);
                if (draining) {
                    return;
                }
                draining = true;
            }
            try {
                executor.execute(this);
            } catch (RejectedExecutionException e) {
                synchronized (this) {
                    draining = false;
                    pending.clear();
                }
                log.debug("listener executor refused delivery (orchestrator closing); event dropped: {}", event);
            }
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public void run() {
            while (true) {
                OrchestratorEvent next;
                synchronized (this) {
                    next = pending.poll();
                    if (next == null) {
                        draining = false;
                        if (missed > 0) {
                            log.warn("An event listener fell more than {} events behind and missed {} AgentActivity events;"
                                    + " make it faster, or hand the events to a queue of its own", MAX_ACTIVITY_BACKLOG, missed);
                            missed = 0;
                        }
                        return;
                    }
                }
                try {
                    ((Consumer) listener).accept(next);
                } catch (RuntimeException | Error e) {
                    log.warn("An event listener threw on {}; it stays subscribed and the engine goes on", next, e);
                }
            }
        }

        @Override
        public void close() {
            subscriptions.remove(this);
        }
    }
}
