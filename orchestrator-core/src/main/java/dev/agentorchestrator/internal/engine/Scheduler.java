package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.spi.SessionRecord;
import io.github.resilience4j.bulkhead.Bulkhead;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * Decides when queued work may start. A Resilience4j {@link Bulkhead} (owned by the engine's
 * registry) bounds how many sessions have their agents working at once; work waits in arrival
 * order, and a session that has not started yet also waits until every feature it depends on is
 * far enough for its {@link dev.agentorchestrator.DependencyMode} (merged, or for a stacked one, on
 * its branch). A session held by the HOLD overlap policy is skipped too. Whether a session is queued is
 * stored in its record ({@code work == QUEUED}); this class only keeps the order.
 */
final class Scheduler {

    /** A slot taken for one session's work; giving it back twice is harmless. */
    final class Permit {
        private final String session;
        private final AtomicBoolean held = new AtomicBoolean(true);

        private Permit(String session) {
            this.session = session;
        }

        void release() {
            if (held.compareAndSet(true, false)) {
                bulkhead.onComplete();
                events.publish(new OrchestratorEvent.SlotReleased(lifecycle.now(), session, inUse(), max()));
                pump();
            }
        }
    }

    private final Bulkhead bulkhead;
    private final Lifecycle lifecycle;
    private final EventHub events;
    private final LinkedHashSet<String> queue = new LinkedHashSet<>();
    private BiConsumer<String, Permit> dispatcher = (name, permit) -> permit.release();
    private boolean closed;

    Scheduler(Bulkhead bulkhead, Lifecycle lifecycle, EventHub events) {
        this.bulkhead = bulkhead;
        this.lifecycle = lifecycle;
        this.events = events;
        // Issue 17: a dependency that merges, or a stacked one that gets its branch, may let queued work start.
        events.subscribe(e -> {
            if (e instanceof OrchestratorEvent.StateChanged c && c.from() != c.to()
                    || e instanceof OrchestratorEvent.SessionUpdated u && !u.snapshot().isHeld() && isQueued(u.session())) {
                pump(); // the second: a hold was lifted (HOLD overlap policy)
            }
        });
    }

    void dispatchTo(BiConsumer<String, Permit> dispatcher) {
        this.dispatcher = dispatcher;
    }

    /** Queues a session whose record already says {@code work == QUEUED}; queuing it twice keeps one place. */
    void enqueue(String name) {
        synchronized (this) {
            queue.add(name);
        }
        pump();
    }

    private synchronized boolean isQueued(String name) {
        return queue.contains(name);
    }

    synchronized boolean cancel(String name) {
        return queue.remove(name);
    }

    /** Starts as much queued work as there are free slots, in queue order, skipping blocked work. */
    void pump() {
        List<Permit> toRun = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            var it = queue.iterator();
            while (it.hasNext()) {
                String next = it.next();
                if (!dependenciesDone(next) || held(next)) {
                    continue;
                }
                if (!bulkhead.tryAcquirePermission()) {
                    break;
                }
                it.remove();
                toRun.add(new Permit(next));
            }
        }
        for (Permit p : toRun) {
            events.publish(new OrchestratorEvent.SlotAcquired(lifecycle.now(), p.session, inUse(), max()));
            dispatcher.accept(p.session, p);
        }
    }

    private int max() {
        return bulkhead.getBulkheadConfig().getMaxConcurrentCalls();
    }

    private int inUse() {
        return max() - bulkhead.getMetrics().getAvailableConcurrentCalls();
    }

    /** Only a session that has not started waits for its dependencies; follow-up turns do not. */
    private boolean dependenciesDone(String name) {
        Optional<SessionRecord> s = lifecycle.find(name);
        if (s.isEmpty() || s.get().state() != dev.agentorchestrator.SessionState.QUEUED) {
            return true;
        }
        for (String dep : s.get().dependsOn()) {
            Optional<SessionRecord> d = lifecycle.find(dep);
            if (d.isEmpty() || !s.get().dependencyMode().satisfiedBy(d.get().view())) {
                return false;
            }
        }
        return true;
    }

    /** Issue 17 (HOLD): a held session starts no new work until the hold is lifted; its place in the queue is kept. */
    private boolean held(String name) {
        return lifecycle.find(name).map(r -> r.view().isHeld()).orElse(false);
    }

    synchronized void close() {
        closed = true;
        queue.clear();
    }
}
