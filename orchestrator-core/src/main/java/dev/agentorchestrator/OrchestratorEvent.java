package dev.agentorchestrator;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything the orchestrator publishes through {@link Orchestrator#events()}. Small immutable
 * values; each names its session and when it happened. Switch over them with pattern matching:
 *
 * <pre>{@code
 * o.events().subscribe(e -> {
 *     if (e instanceof OrchestratorEvent.StateChanged s) {
 *         System.out.println(s.session() + ": " + s.from() + " -> " + s.to());
 *     }
 * });
 * }</pre>
 */
public sealed interface OrchestratorEvent {

    /** When it happened. */
    Instant at();

    /** The session (feature) it concerns. */
    String session();

    /** A feature was added and its session stored (in state QUEUED). */
    record FeatureAdded(Instant at, String session, Session snapshot) implements OrchestratorEvent {
        public FeatureAdded {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(snapshot, "snapshot");
        }
    }

    /** A session moved from one state to another; the change is already stored. */
    record StateChanged(Instant at, String session, SessionState from, SessionState to, String message)
            implements OrchestratorEvent {
        public StateChanged {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(message, "message");
        }
    }

    /** The session's agent said or did something. */
    record AgentActivity(Instant at, String session, AgentEvent event) implements OrchestratorEvent {
        public AgentActivity {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(event, "event");
        }
    }

    /** A CI run on the session's branch finished. */
    record CiFinished(Instant at, String session, CiResult result) implements OrchestratorEvent {
        public CiFinished {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(result, "result");
        }
    }

    /** Files changed by this session are also changed by others (reported by coordination). */
    record FilesOverlap(Instant at, String session, List<String> otherSessions, List<String> files)
            implements OrchestratorEvent {
        public FilesOverlap {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(session, "session");
            otherSessions = List.copyOf(otherSessions);
            files = List.copyOf(files);
        }
    }

    /** A merge of the session's branch finished, whatever its outcome. */
    record MergeFinished(Instant at, String session, MergeResult result) implements OrchestratorEvent {
        public MergeFinished {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(result, "result");
        }
    }

    /** The session was removed; its record and transcript are gone. */
    record SessionRemoved(Instant at, String session) implements OrchestratorEvent {
        public SessionRemoved {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(session, "session");
        }
    }
}
