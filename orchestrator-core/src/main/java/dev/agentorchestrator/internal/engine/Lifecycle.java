package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.IllegalStateTransitionException;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.StatusSnapshot;
import dev.agentorchestrator.UnknownSessionException;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.spi.SessionRecord.Halt;
import dev.agentorchestrator.spi.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The one place where sessions change. Every change is computed from the record as stored, inside
 * {@link StateStore#update} (so the check of a {@link Transition}'s from-states and of a pending
 * halt can never be separated from the write), then mirrored in memory, noted in the transcript and
 * published, all while holding the session's own lock, so that the in-memory copy never goes back
 * to an older revision and the events of one session are published in revision order.
 *
 * <p>A <em>halt</em> (a stop request, or the orchestrator closing) is part of the record: a
 * forward transition applied while one is pending does not happen; the halt is carried out in its
 * place, in the same write, and {@link Applied#halted()} tells the caller to end its work.
 */
final class Lifecycle {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Lifecycle.class);


    /** The result of {@link #apply}: the stored record, and whether a pending halt took the transition's place. */
    record Applied(SessionRecord record, boolean halted) {
    }

    private final StateStore store;
    private final EventHub events;
    private final Clock clock;
    private final Map<String, SessionRecord> sessions = new LinkedHashMap<>();
    private final Map<String, Object> sessionLocks = new ConcurrentHashMap<>();
    private final Object monitor = new Object();
    /** Bumped on every change under {@link #monitor}, so a waiter never misses one. */
    private long version;
    private List<Session> cachedViews;
    private long viewsVersion = -1;

    Lifecycle(StateStore store, EventHub events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    /** Loads what the store holds into memory (at start, before anything runs). */
    List<SessionRecord> loadAll() {
        List<SessionRecord> all = store.loadAll();
        synchronized (monitor) {
            all.stream().sorted(Comparator.comparing(SessionRecord::createdAt)).forEach(s -> sessions.put(s.name(), s));
            version++;
        }
        return all;
    }

    SessionRecord create(SessionRecord record) {
        synchronized (lockOf(record.name())) {
            store.create(record);
            SessionRecord stored = store.load(record.name()).orElse(record);
            remember(stored);
            store.log(record.name()).append(note("added; prompt: " + oneLine(record.prompt())));
            events.publish(new OrchestratorEvent.FeatureAdded(now(), record.name(), stored.view()));
            return stored;
        }
    }

    /**
     * Applies a named transition, with {@code also} changing the rest of the record in the same write.
     *
     * @throws IllegalStateTransitionException when the stored state is not one the transition
     *                                         starts from; nothing is written then
     */
    Applied apply(String name, Transition transition, String message, UnaryOperator<SessionRecord.Builder> also) {
        return applyFrom(name, transition, message, (current, next) -> also.apply(next));
    }

    /** Like {@link #apply(String, Transition, String, UnaryOperator)}, with {@code also} seeing the stored record. */
    Applied applyFrom(String name, Transition transition, String message,
                      BiFunction<SessionRecord, SessionRecord.Builder, SessionRecord.Builder> also) {
        boolean[] halted = new boolean[1];
        SessionRecord after = change(name, message, current -> {
            halted[0] = false;
            if (transition.forward() && current.halt() != Halt.NONE) {
                halted[0] = true;
                return carryOutHalt(current, also.apply(current, current.toBuilder()));
            }
            if (!transition.allowedFrom(current.state())) {
                throw new IllegalStateTransitionException(name, current.state(), transition.to(), "Session '" + name
                        + "' cannot " + transition.name().toLowerCase().replace('_', ' ') + " from " + current.state()
                        + " (it may from " + transition.from() + ").");
            }
            // The message first, so that `also` may refine it from the stored record.
            return also.apply(current, current.toBuilder().message(message)).state(transition.to());
        });
        return new Applied(after, halted[0]);
    }

    Applied apply(String name, Transition transition, String message) {
        return apply(name, transition, message, b -> b);
    }

    /**
     * Asks for a halt. When the engine is working on the session the halt is stored for that work
     * to carry out at its next step; otherwise a stop happens at once.
     */
    SessionRecord requestHalt(String name, Halt halt, String reason) {
        return change(name, reason, current -> {
            SessionRecord.Builder next = current.toBuilder();
            if (current.work() == Session.Work.RUNNING) {
                Halt kept = current.halt() == Halt.STOP ? Halt.STOP : halt;
                next.halt(kept);
                if (kept == Halt.STOP) {
                    next.pendingPrompts(List.of());
                }
                return next;
            }
            if (halt == Halt.STOP) {
                return carryOutHalt(current.toBuilder().halt(Halt.STOP).build(), next);
            }
            return next;
        });
    }

    /** Carries out {@code current.halt()} on top of {@code next}: the state it leads to, and no more work. */
    static SessionRecord.Builder carryOutHalt(SessionRecord current, SessionRecord.Builder next) {
        SessionState state = current.state();
        next.halt(Halt.NONE).agentHandle(null);
        if (current.halt() == Halt.STOP) {
            next.work(Session.Work.NONE).pendingPrompts(List.of());
            if (state != SessionState.STOPPED && Transition.STOP.allowedFrom(state)) {
                next.state(SessionState.STOPPED).message("stopped on request");
            }
            return next;
        }
        if (Transition.INTERRUPT.allowedFrom(state)) {
            // A follow-up accepted before the close is not lost: the next orchestrator delivers it.
            return next.state(SessionState.INTERRUPTED)
                    .work(current.pendingPrompts().isEmpty() ? Session.Work.NONE : Session.Work.QUEUED)
                    .message("the orchestrator closed while the session was " + state + "; prompt it to resume");
        }
        // Not yet begun (QUEUED) or between turns: the next orchestrator picks the work up where it was.
        boolean more = state == SessionState.QUEUED || !current.pendingPrompts().isEmpty();
        return next.work(more ? Session.Work.QUEUED : Session.Work.NONE);
    }

    /**
     * Changes a record, computing the change from the stored copy. When the state changes, the move
     * must be in {@link SessionState}'s table, and a {@code StateChanged} event is published;
     * otherwise a {@code SessionUpdated}.
     */
    SessionRecord change(String name, String message, Function<SessionRecord, SessionRecord.Builder> change) {
        synchronized (lockOf(name)) {
            Instant at = now();
            SessionState[] from = new SessionState[1];
            long[] revisionBefore = new long[1];
            SessionRecord after = store.update(name, current -> {
                from[0] = current.state();
                revisionBefore[0] = current.revision();
                SessionRecord next = change.apply(current).updatedAt(at).build();
                if (next.state() != current.state() && !current.state().canMoveTo(next.state())) {
                    throw new IllegalStateTransitionException(name, current.state(), next.state());
                }
                return next;
            });
            remember(after);
            if (after.revision() == revisionBefore[0]) {
                return after; // nothing changed, nothing was written: there is no news
            }
            if (after.state() != from[0]) {
                String text = after.message().isEmpty() ? message : after.message();
                // The record is written: a transcript that cannot take the line (a full disk) must
                // not keep the change from being published, or listeners would never see it.
                try {
                    store.log(name).append(note(from[0] + " -> " + after.state() + (text.isEmpty() ? "" : ": " + oneLine(text))));
                } catch (RuntimeException e) {
                    log.warn("session '{}': the transcript did not take the note of {} -> {}: {}", name, from[0], after.state(),
                            e.getMessage());
                }
                events.publish(new OrchestratorEvent.StateChanged(at, name, from[0], after.state(), after.message(),
                        after.revision(), after.view()));
            } else {
                events.publish(new OrchestratorEvent.SessionUpdated(at, name, after.view()));
            }
            return after;
        }
    }

    /** Changes fields other than the state, computed from the stored copy. */
    SessionRecord update(String name, UnaryOperator<SessionRecord.Builder> change) {
        return change(name, "", current -> change.apply(current.toBuilder()));
    }

    void delete(String name) {
        synchronized (lockOf(name)) {
            store.delete(name);
            synchronized (monitor) {
                sessions.remove(name);
                version++;
                monitor.notifyAll();
            }
            events.publish(new OrchestratorEvent.SessionRemoved(now(), name));
        }
        sessionLocks.remove(name);
    }

    SessionRecord get(String name) {
        synchronized (monitor) {
            SessionRecord s = sessions.get(name);
            if (s == null) {
                throw new UnknownSessionException(name, new ArrayList<>(sessions.keySet()));
            }
            return s;
        }
    }

    Optional<SessionRecord> find(String name) {
        synchronized (monitor) {
            return Optional.ofNullable(sessions.get(name));
        }
    }

    List<SessionRecord> all() {
        synchronized (monitor) {
            return List.copyOf(sessions.values());
        }
    }

    /** Every session as the host sees it, at one moment. */
    StatusSnapshot snapshot() {
        List<Session> views;
        Instant at;
        synchronized (monitor) {
            at = now();
            // Issue 21: status() made a view of every record on every call (8.9 times a plain copy
            // at 100 sessions); the views are made again only when a record changed.
            if (viewsVersion != version || cachedViews == null) {
                List<Session> fresh = new ArrayList<>(sessions.size());
                sessions.values().forEach(r -> fresh.add(r.view()));
                cachedViews = List.copyOf(fresh);
                viewsVersion = version;
            }
            views = cachedViews;
        }
        return new StatusSnapshot(at, views);
    }

    /** Waits until {@code condition} holds for a snapshot, or the timeout passes. */
    boolean awaitCondition(Predicate<StatusSnapshot> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long seen;
            synchronized (monitor) {
                seen = version;
            }
            if (condition.test(snapshot())) {
                return true;
            }
            synchronized (monitor) {
                while (version == seen) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    monitor.wait(Math.max(1, left / 1_000_000), 0);
                }
            }
        }
    }

    void note(String name, String text) {
        store.log(name).append(note(text));
    }

    /** Keeps the newer of the in-memory copy and {@code after}: the mirror never goes back in time. */
    private void remember(SessionRecord after) {
        synchronized (monitor) {
            SessionRecord known = sessions.get(after.name());
            if (known == null || known.revision() <= after.revision()) {
                sessions.put(after.name(), after);
            }
            version++;
            monitor.notifyAll();
        }
    }

    private Object lockOf(String name) {
        return sessionLocks.computeIfAbsent(name, n -> new Object());
    }

    private String note(String text) {
        return "# " + now() + " orchestrator: " + text;
    }

    static String oneLine(String s) {
        String line = s.replace('\n', ' ').replace('\r', ' ');
        return line.length() > 300 ? line.substring(0, 297) + "..." : line;
    }
}
