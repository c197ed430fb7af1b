package dev.agentorchestrator.notify;

import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.Events;
import dev.agentorchestrator.EventSubscription;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.StatusSnapshot;
import dev.agentorchestrator.TaskProgress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Session values, a status that tests change by hand, and events delivered on the publisher's thread. */
final class TestSessions {
    static final Instant T0 = Instant.parse("2025-01-02T03:04:05Z");

    private TestSessions() {
    }

    static Session session(String name, SessionState state, long revision) {
        return session(name, state, "", revision, Optional.empty());
    }

    static Session session(String name, SessionState state, String message, long revision, Optional<CiResult> ci) {
        Session.Work work = state == SessionState.QUEUED ? Session.Work.QUEUED
                : state.isActive() ? Session.Work.RUNNING : Session.Work.NONE;
        return new Session(name, "build " + name, "main", "feature/" + name, Optional.of(Path.of("worktrees", name)),
                List.of(), "script", state, message, work, false, Optional.empty(), new TaskProgress(1, 3, ""), 0.25, 2,
                ci, List.of(), "", T0, T0.plusSeconds(revision), T0, revision);
    }

    /**
     * The orchestrator's side, as the engine does it: store the change (the status shows it), then
     * publish its event.
     */
    static final class World implements Events {
        private final Map<String, Session> sessions = new LinkedHashMap<>();
        private final List<Consumer<? super OrchestratorEvent>> listeners = new CopyOnWriteArrayList<>();

        synchronized StatusSnapshot status() {
            return new StatusSnapshot(T0, List.copyOf(sessions.values()));
        }

        /** Adds a feature (QUEUED, revision 1) and publishes FeatureAdded. */
        void add(String name) {
            Session s = session(name, SessionState.QUEUED, 1);
            store(s);
            publish(new OrchestratorEvent.FeatureAdded(T0, name, s));
        }

        /** Moves a session to {@code to} and publishes StateChanged; returns the new snapshot. */
        Session move(String name, SessionState to, String message) {
            Session before = storedOrThrow(name);
            Session after = session(name, to, message, before.revision() + 1, Optional.empty());
            store(after);
            publish(new OrchestratorEvent.StateChanged(T0.plusSeconds(after.revision()), name, before.state(), to, message,
                    after.revision(), after));
            return after;
        }

        /** Stores a change that keeps the state and publishes SessionUpdated. */
        void touch(String name) {
            Session before = storedOrThrow(name);
            Session after = session(name, before.state(), before.message(), before.revision() + 1, Optional.empty());
            store(after);
            publish(new OrchestratorEvent.SessionUpdated(T0, name, after));
        }

        synchronized void store(Session s) {
            sessions.put(s.name(), s);
        }

        private synchronized Session storedOrThrow(String name) {
            return java.util.Objects.requireNonNull(sessions.get(name), name);
        }

        void publish(OrchestratorEvent e) {
            // On the publisher's own thread: a bridge that blocked its listener would block the test here.
            listeners.forEach(l -> l.accept(e));
        }

        @Override
        public EventSubscription subscribe(Consumer<? super OrchestratorEvent> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T extends OrchestratorEvent> EventSubscription subscribe(Class<T> type, Consumer<? super T> listener) {
            return subscribe(e -> {
                if (type.isInstance(e)) {
                    ((Consumer<Object>) listener).accept(e);
                }
            });
        }

        @Override
        public void unsubscribe(Consumer<?> listener) {
            listeners.remove(listener);
        }

        int listenerCount() {
            return listeners.size();
        }
    }
}
