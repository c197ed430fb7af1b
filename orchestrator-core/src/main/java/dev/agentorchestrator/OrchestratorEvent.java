package dev.agentorchestrator;

import java.time.Duration;
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

    /**
     * A session moved from one state to another; the change is already stored. The events of one
     * session arrive in the order of their {@code revision}.
     */
    record StateChanged(Instant at, String session, SessionState from, SessionState to, String message, long revision,
                        Session snapshot) implements OrchestratorEvent {
        public StateChanged {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(snapshot, "snapshot");
        }
    }

    /**
     * Something other than the state changed and is stored: progress, cost, a follow-up queued, the
     * agent's conversation id, the last activity. {@code snapshot().revision()} orders it among the
     * session's other events.
     */
    record SessionUpdated(Instant at, String session, Session snapshot) implements OrchestratorEvent {
        public SessionUpdated {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(snapshot, "snapshot");
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

    /**
     * Launching the session's agent failed and will be tried again after a pause (the launch retry
     * of {@link Orchestrator.Builder#launchRetry}).
     *
     * @param attempt     the attempt that failed, from 1
     * @param maxAttempts how many attempts are made in all
     * @param backoff     how long until the next attempt
     * @param reason      why the attempt failed
     */
    record LaunchRetried(Instant at, String session, int attempt, int maxAttempts, Duration backoff, String reason)
            implements OrchestratorEvent {
        public LaunchRetried {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(backoff, "backoff");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The session took one of the slots that bound how many agents work at once
     * ({@link Orchestrator.Builder#maxParallelSessions}).
     *
     * @param inUse slots taken now, this one included
     * @param max   slots in all
     */
    record SlotAcquired(Instant at, String session, int inUse, int max) implements OrchestratorEvent {
        public SlotAcquired {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(session, "session");
        }
    }

    /** The session gave its slot back (its agent's turns ended); {@code inUse} counts the slots still taken. */
    record SlotReleased(Instant at, String session, int inUse, int max) implements OrchestratorEvent {
        public SlotReleased {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(session, "session");
        }
    }

    /**
     * The orchestrator acted by itself on a session: a reaction sent the agent a follow-up, or
     * marked the session as needing a person, or a budget stopped it.
     *
     * @param reaction the reaction's name (or {@code budget}, {@code uncommitted-work})
     * @param action   what was done, in a sentence
     * @param attempt  the follow-ups sent since CI was last green, this one included (0 when none was sent)
     */
    record ReactionTaken(Instant at, String session, String reaction, String action, int attempt)
            implements OrchestratorEvent {
        public ReactionTaken {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(reaction, "reaction");
            Objects.requireNonNull(action, "action");
        }
    }

    /**
     * Files this session changes are now also changed by others (a new overlap, or one that grew).
     *
     * @param otherSessions the other sessions involved
     * @param files         the files they share
     */
    record FilesOverlap(Instant at, String session, List<String> otherSessions, List<String> files)
            implements OrchestratorEvent {
        public FilesOverlap {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(session, "session");
            otherSessions = List.copyOf(otherSessions);
            files = List.copyOf(files);
        }
    }

    /**
     * The conflict forecast for a pair of sessions (or a session against its base branch, when
     * {@code other} is empty) changed: a merge that was clean would now conflict, or the other way round.
     */
    record ForecastChanged(Instant at, String session, String other, ForecastMatrix.Cell cell) implements OrchestratorEvent {
        public ForecastChanged {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(other, "other");
            Objects.requireNonNull(cell, "cell");
        }
    }

    /**
     * The session's feature was put into the merge queue, or its priority there was changed.
     *
     * @param priority its priority (higher goes first)
     * @param position its place in the queue now, from 1
     */
    record MergeQueued(Instant at, String session, int priority, int position) implements OrchestratorEvent {
        public MergeQueued {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(session, "session");
        }
    }

    /**
     * The merge queue is testing a merge result that holds this session's feature: CI runs on
     * {@code commit} in a temporary worktree; the base moves to exactly that commit only if it is green.
     *
     * @param commit  the merge result under test
     * @param batch   the features merged together in it, in queue order (this one among them)
     * @param attempt 1, or 2 when a red run of the whole batch is retried to rule out a flaky test
     */
    record MergeTesting(Instant at, String session, String commit, List<String> batch, int attempt)
            implements OrchestratorEvent {
        public MergeTesting {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(commit, "commit");
            batch = List.copyOf(batch);
        }
    }

    /**
     * A merge of the session's branch ended, whatever its outcome: merged, refused, or a conflict
     * ({@link MergeResult#outcome()} says which, {@link MergeResult#conflicts()} lists the paths).
     */
    record MergeFinished(Instant at, String session, MergeResult result) implements OrchestratorEvent {
        public MergeFinished {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(result, "result");
        }
    }

    /**
     * The session's agent has printed nothing for longer than {@link Orchestrator.Builder#stallTimeout}
     * while its turn runs: it may be stuck (a hung tool, a prompt it waits on). The session is marked
     * as needing attention until the agent prints again or its turn ends.
     *
     * @param silentFor how long the agent has been silent
     */
    record AgentStalled(Instant at, String session, Duration silentFor) implements OrchestratorEvent {
        public AgentStalled {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(silentFor, "silentFor");
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
