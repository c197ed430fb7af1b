package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Decides when queued work may start. A Resilience4j bulkhead bounds how many agents work at once;
 * work waits in arrival order and a feature also waits until every feature it depends on is ready
 * to merge or merged. A permit is held for a whole agent turn and released by
 * {@link #release()}.
 */
final class Scheduler {

    /** What to do when a slot frees: start a feature from the beginning, or resume its agent. */
    enum Kind { START, RESUME }

    private static final Set<SessionState> DEPENDENCY_DONE = Set.of(SessionState.READY_TO_MERGE, SessionState.MERGED);

    private final Bulkhead bulkhead;
    private final Lifecycle lifecycle;
    private final Map<String, Kind> queue = new LinkedHashMap<>();
    private Consumer<Map.Entry<String, Kind>> dispatcher = w -> { };
    private boolean closed;

    Scheduler(int maxParallel, Lifecycle lifecycle) {
        this.bulkhead = Bulkhead.of("agent-sessions", BulkheadConfig.custom()
                .maxConcurrentCalls(maxParallel).maxWaitDuration(Duration.ZERO).build());
        this.lifecycle = lifecycle;
    }

    void dispatchTo(Consumer<Map.Entry<String, Kind>> dispatcher) {
        this.dispatcher = dispatcher;
    }

    /** Queues work for a session; a session has at most one queued item (a START wins over a RESUME). */
    void enqueue(String name, Kind kind) {
        synchronized (this) {
            queue.merge(name, kind, (old, neu) -> old == Kind.START ? old : neu);
        }
        lifecycle.poke();
        pump();
    }

    synchronized boolean isQueued(String name) {
        return queue.containsKey(name);
    }

    synchronized boolean cancel(String name) {
        boolean removed = queue.remove(name) != null;
        if (removed) {
            lifecycle.poke();
        }
        return removed;
    }

    /** Returns a permit and lets the next queued work start. */
    void release() {
        bulkhead.onComplete();
        pump();
    }

    /** Starts as much queued work as there are free slots, in queue order, skipping blocked work. */
    void pump() {
        List<Map.Entry<String, Kind>> toRun = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            var it = queue.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, Kind> next = it.next();
                if (!dependenciesDone(next.getKey())) {
                    continue;
                }
                if (!bulkhead.tryAcquirePermission()) {
                    break;
                }
                it.remove();
                toRun.add(Map.entry(next.getKey(), next.getValue()));
            }
        }
        toRun.forEach(dispatcher);
    }

    /** True when the session waits for a dependency that is settled without being done (failed, stopped...). */
    boolean blockedForGood(Session s) {
        if (s.state() != SessionState.QUEUED) {
            return false;
        }
        for (String dep : s.dependsOn()) {
            var d = lifecycle.find(dep);
            if (d.isEmpty() || (!DEPENDENCY_DONE.contains(d.get().state()) && d.get().state().isSettled()
                    && d.get().pendingPrompts().isEmpty() && !isQueued(dep))) {
                return true;
            }
        }
        return false;
    }

    private boolean dependenciesDone(String name) {
        var s = lifecycle.find(name);
        if (s.isEmpty()) {
            return true;
        }
        for (String dep : s.get().dependsOn()) {
            var d = lifecycle.find(dep);
            if (d.isEmpty() || !DEPENDENCY_DONE.contains(d.get().state())) {
                return false;
            }
        }
        return true;
    }

    synchronized void close() {
        closed = true;
        queue.clear();
    }
}
