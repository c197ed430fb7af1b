package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.IllegalStateTransitionException;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.SessionState;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import static dev.agentorchestrator.SessionState.*;

/**
 * The lifecycle enforces the transition table, and nothing else: random sequences of requested
 * moves are applied through {@link Lifecycle}; legal ones are stored and published, illegal ones
 * throw and leave the store and the event stream untouched.
 */
class SessionLifecycleProperties {

    /**
     * The table as the design states it, written out independently of {@link SessionState} so
     * that a change to one without the other fails here.
     */
    static final Map<SessionState, Set<SessionState>> SPEC = Map.ofEntries(
            Map.entry(QUEUED, EnumSet.of(CREATING_WORKTREE, FAILED, STOPPED)),
            Map.entry(CREATING_WORKTREE, EnumSet.of(RUNNING, FAILED, STOPPED, INTERRUPTED)),
            Map.entry(RUNNING, EnumSet.of(WAITING_FOR_INPUT, IDLE, FAILED, STOPPED, INTERRUPTED)),
            Map.entry(WAITING_FOR_INPUT, EnumSet.of(RUNNING, IDLE, FAILED, STOPPED, INTERRUPTED)),
            Map.entry(IDLE, EnumSet.of(RUNNING, TESTING, READY_TO_MERGE, FAILED, STOPPED)),
            Map.entry(TESTING, EnumSet.of(IDLE, RUNNING, READY_TO_MERGE, FAILED, STOPPED, INTERRUPTED)),
            Map.entry(READY_TO_MERGE, EnumSet.of(RUNNING, TESTING, MERGING, STOPPED, FAILED)),
            Map.entry(MERGING, EnumSet.of(MERGED, READY_TO_MERGE, FAILED, INTERRUPTED)),
            Map.entry(MERGED, EnumSet.noneOf(SessionState.class)),
            Map.entry(FAILED, EnumSet.of(QUEUED, RUNNING, STOPPED)),
            Map.entry(STOPPED, EnumSet.of(QUEUED, RUNNING, FAILED)),
            Map.entry(INTERRUPTED, EnumSet.of(QUEUED, RUNNING, STOPPED, FAILED)));

    @Test
    void everyPairOfStatesIsLegalExactlyWhenTheSpecSaysSo() {
        int legal = 0;
        for (SessionState from : SessionState.values()) {
            for (SessionState to : SessionState.values()) {
                boolean expected = SPEC.get(from).contains(to);
                Assertions.assertEquals(expected, from.canMoveTo(to), from + " -> " + to);
                if (expected) {
                    legal++;
                }
            }
        }
        Assertions.assertEquals(SPEC.values().stream().mapToInt(Set::size).sum(), legal);
        Assertions.assertTrue(MERGED.isTerminal());
        Assertions.assertEquals(List.of(MERGED), EnumSet.allOf(SessionState.class).stream().filter(SessionState::isTerminal).toList());
    }

    @Test
    void everyIllegalPairThrowsThroughTheLifecycleAndEveryLegalOneIsStored() {
        for (SessionState from : SessionState.values()) {
            for (SessionState to : SessionState.values()) {
                if (from == to) {
                    continue; // the same state again is an update of other fields, not a move
                }
                Fixture f = new Fixture(from);
                if (SPEC.get(from).contains(to)) {
                    SessionRecord after = f.move(to, "why");
                    Assertions.assertEquals(to, after.state());
                    Assertions.assertEquals(to, f.store.load("s").orElseThrow().state());
                    Assertions.assertEquals(List.of(List.of(from, to)), f.events);
                } else {
                    IllegalStateTransitionException e = Assertions.assertThrows(IllegalStateTransitionException.class,
                            () -> f.move(to, "why"));
                    Assertions.assertEquals(from, e.from());
                    Assertions.assertEquals(to, e.to());
                    Assertions.assertTrue(e.getMessage().contains("'s'") && e.getMessage().contains(from.name()) && e.getMessage().contains(to.name()), e.getMessage());
                    Assertions.assertEquals(from, f.store.load("s").orElseThrow().state());
                    Assertions.assertTrue(f.events.isEmpty());
                }
            }
        }
    }

    @Test
    void everyNamedTransitionIsAMoveTheTableAllows() {
        for (Transition t : Transition.values()) {
            for (SessionState from : t.from()) {
                // FAILED_WITH from FAILED keeps the state and changes the reason: an update, not a move.
                Assertions.assertTrue(from == t.to() || SPEC.get(from).contains(t.to()), t + " from " + from);
            }
        }
    }

    @Test
    void aNamedTransitionRefusesAStateOutsideItsFromSetAndWritesNothing() {
        for (Transition t : Transition.values()) {
            for (SessionState from : SessionState.values()) {
                if (t.allowedFrom(from)) {
                    continue;
                }
                Fixture f = new Fixture(from);
                long revision = f.store.load("s").orElseThrow().revision();
                Assertions.assertThrows(IllegalStateTransitionException.class, () -> f.lifecycle.apply("s", t, "x"), t + " from " + from);
                Assertions.assertEquals(revision, f.store.load("s").orElseThrow().revision());
                Assertions.assertTrue(f.events.isEmpty());
            }
        }
    }

    @Property(tries = 300)
    void randomSequencesFollowTheTable(@ForAll("requests") List<SessionState> requests) {
        Fixture f = new Fixture(QUEUED);
        SessionState model = QUEUED;
        List<List<SessionState>> expectedEvents = new ArrayList<>();
        int writesBefore = f.store.writes;
        int expectedWrites = writesBefore;
        for (SessionState to : requests) {
            if (to == model) {
                continue; // the same state again is an update of other fields, not a move
            }
            if (SPEC.get(model).contains(to)) {
                f.move(to, "");
                expectedEvents.add(List.of(model, to));
                model = to;
                expectedWrites++;
            } else {
                SessionState before = model;
                Assertions.assertThrows(IllegalStateTransitionException.class, () -> f.move(to, ""),
                        before + " -> " + to + " must be refused");
            }
            Assertions.assertEquals(model, f.lifecycle.get("s").state());
            Assertions.assertEquals(model, f.store.load("s").orElseThrow().state());
        }
        Assertions.assertEquals(expectedEvents, f.events);
        Assertions.assertEquals(expectedWrites, f.store.writes);
    }

    @Provide
    Arbitrary<List<SessionState>> requests() {
        return Arbitraries.of(SessionState.class).list().ofMinSize(1).ofMaxSize(40);
    }

    /** A lifecycle over an in-memory store holding one session "s" in the given state. */
    private static final class Fixture {
        final InMemoryStateStore store = new InMemoryStateStore();
        final List<List<SessionState>> events = new CopyOnWriteArrayList<>();
        final Lifecycle lifecycle;

        Fixture(SessionState initial) {
            Executor direct = Runnable::run;
            EventHub hub = new EventHub(direct);
            hub.subscribe(OrchestratorEvent.StateChanged.class, e -> events.add(List.of(e.from(), e.to())));
            Instant t = Instant.parse("2026-01-01T00:00:00Z");
            store.create(SessionRecord.queued("s", "p", "main", "feature/s", List.of(), "a", java.util.Map.of(),
                    dev.agentorchestrator.WorktreeSetup.NONE, t).toBuilder().state(initial).build());
            lifecycle = new Lifecycle(store, hub, Clock.fixed(t, ZoneOffset.UTC));
            lifecycle.loadAll();
        }

        SessionRecord move(SessionState to, String why) {
            return lifecycle.change("s", why, r -> r.toBuilder().state(to));
        }
    }
}
