package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.IllegalStateTransitionException;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.UnknownSessionException;
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
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The one place where sessions change: every state change is checked against
 * {@link SessionState#canMoveTo}, written to the store under its lock, mirrored in memory, noted
 * in the transcript and published, in that order. Waiters are woken on every change.
 */
final class Lifecycle {

    private final StateStore store;
    private final EventHub events;
    private final Clock clock;
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private final Object monitor = new Object();
    /** Bumped on every change under {@link #monitor}, so a waiter never misses one. */
    private long version;

    Lifecycle(StateStore store, EventHub events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    /** Loads what the store holds into memory (at start, before anything runs). */
    List<Session> loadAll() {
        List<Session> all = store.loadAll();
        synchronized (monitor) {
            all.stream().sorted(Comparator.comparing(Session::createdAt)).forEach(s -> sessions.put(s.name(), s));
        }
        return all;
    }

    void create(Session session) {
        store.create(session);
        synchronized (monitor) {
            sessions.put(session.name(), session);
            version++;
            monitor.notifyAll();
        }
        store.log(session.name()).append(note("added; prompt: " + oneLine(session.prompt())));
        events.publish(new OrchestratorEvent.FeatureAdded(now(), session.name(), session));
    }

    /**
     * Moves a session to {@code to}, applying {@code also} to the rest of the record in the same
     * write.
     *
     * @throws IllegalStateTransitionException when the lifecycle does not allow the move; nothing is written
     */
    Session transition(String name, SessionState to, String message, UnaryOperator<Session.Builder> also) {
        return transitionFrom(name, to, message, (current, next) -> also.apply(next));
    }

    /** Like {@link #transition}, with {@code also} seeing the record as stored, for changes computed from it. */
    Session transitionFrom(String name, SessionState to, String message,
                           java.util.function.BiFunction<Session, Session.Builder, Session.Builder> also) {
        SessionState[] from = new SessionState[1];
        Instant at = now();
        Session after = store.update(name, current -> {
            if (!current.state().canMoveTo(to)) {
                throw new IllegalStateTransitionException(name, current.state(), to);
            }
            from[0] = current.state();
            return also.apply(current, current.toBuilder().state(to).message(message).updatedAt(at)).build();
        });
        remember(after);
        store.log(name).append(note(from[0] + " -> " + to + (message.isEmpty() ? "" : ": " + oneLine(message))));
        events.publish(new OrchestratorEvent.StateChanged(at, name, from[0], to, message));
        return after;
    }

    Session transition(String name, SessionState to, String message) {
        return transition(name, to, message, b -> b);
    }

    /** Moves to {@code to} only if the session is in one of {@code expected}; empty otherwise. */
    Optional<Session> transitionIf(String name, Predicate<SessionState> expected, SessionState to, String message,
                                   UnaryOperator<Session.Builder> also) {
        try {
            SessionState state = get(name).state();
            if (!expected.test(state)) {
                return Optional.empty();
            }
            return Optional.of(transition(name, to, message, also));
        } catch (IllegalStateTransitionException | UnknownSessionException e) {
            return Optional.empty();
        }
    }

    /** Changes fields other than the state. */
    Session update(String name, UnaryOperator<Session.Builder> change) {
        return updateFrom(name, current -> change.apply(current.toBuilder()));
    }

    /**
     * Changes fields other than the state, computing them from the record as stored (not from the
     * in-memory copy, which a concurrent writer may have outdated), so no update is lost.
     */
    Session updateFrom(String name, java.util.function.Function<Session, Session.Builder> change) {
        Instant at = now();
        Session after = store.update(name, current -> {
            Session.Builder next = change.apply(current).updatedAt(at);
            Session built = next.build();
            if (built.state() != current.state()) {
                throw new IllegalStateTransitionException(name, current.state(), built.state(),
                        "state changes go through Lifecycle.transition, not update");
            }
            return built;
        });
        remember(after);
        return after;
    }

    void delete(String name) {
        store.delete(name);
        synchronized (monitor) {
            sessions.remove(name);
            version++;
            monitor.notifyAll();
        }
        events.publish(new OrchestratorEvent.SessionRemoved(now(), name));
    }

    Session get(String name) {
        synchronized (monitor) {
            Session s = sessions.get(name);
            if (s == null) {
                throw new UnknownSessionException(name, new ArrayList<>(sessions.keySet()));
            }
            return s;
        }
    }

    Optional<Session> find(String name) {
        synchronized (monitor) {
            return Optional.ofNullable(sessions.get(name));
        }
    }

    List<Session> all() {
        synchronized (monitor) {
            return List.copyOf(sessions.values());
        }
    }

    /**
     * Waits until {@code condition} holds for the set of sessions, or the timeout passes. The
     * condition is evaluated without holding this object's monitor, because it may ask other
     * components (the scheduler) that take their own locks and call back in here.
     */
    boolean awaitCondition(Predicate<List<Session>> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long seen;
            synchronized (monitor) {
                seen = version;
            }
            if (condition.test(all())) {
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

    /** Wakes waiters whose condition depends on something besides the records (the queue). */
    void poke() {
        synchronized (monitor) {
            version++;
            monitor.notifyAll();
        }
    }

    void note(String name, String text) {
        store.log(name).append(note(text));
    }

    private void remember(Session after) {
        synchronized (monitor) {
            sessions.put(after.name(), after);
            version++;
            monitor.notifyAll();
        }
    }

    private String note(String text) {
        return "# " + now() + " orchestrator: " + text;
    }

    static String oneLine(String s) {
        String line = s.replace('\n', ' ').replace('\r', ' ');
        return line.length() > 300 ? line.substring(0, 297) + "..." : line;
    }
}
