package dev.agentorchestrator;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a session is in its life. The table of legal moves is here and nowhere else; the engine
 * asks {@link #canMoveTo(SessionState)} before every change, and an illegal move throws
 * {@link IllegalStateTransitionException}.
 *
 * <pre>
 *  QUEUED ──► CREATING_WORKTREE ──► RUNNING ◄──────────────► WAITING_FOR_INPUT
 *                                    │  ▲                          │
 *                                    ▼  │ follow-up prompt         │
 *                                   IDLE ──► TESTING ──► READY_TO_MERGE ──► MERGING ──► MERGED
 *                                    ▲          │  ▲          │                │
 *                                    └──────────┘  └──────────┘ (new commit)   └─► READY_TO_MERGE (conflict)
 *
 *  any live state ──► FAILED | STOPPED        RUNNING/WAITING/TESTING/MERGING ──► INTERRUPTED (host died)
 *  FAILED, STOPPED, INTERRUPTED ──► RUNNING (resume) | QUEUED (start again)
 * </pre>
 */
public enum SessionState {
    /** Waiting for a free slot (the bound on parallel sessions) or for the features it depends on. */
    QUEUED,
    /** The worktree and branch are being made and the per-worktree setup is running. */
    CREATING_WORKTREE,
    /** The agent is working. */
    RUNNING,
    /** The agent stopped to ask something or was refused a tool; a follow-up prompt continues it. */
    WAITING_FOR_INPUT,
    /** The agent finished its turn; the branch holds its work. A follow-up prompt continues it. */
    IDLE,
    /** The project's CI is running on the branch's newest commit. */
    TESTING,
    /** CI passed (or none is configured) and the branch can be merged. */
    READY_TO_MERGE,
    /** The branch is being merged into its base. */
    MERGING,
    /** The branch is merged; the session is finished. */
    MERGED,
    /** The session cannot go on without help: launch failed, the agent reported an error, setup failed. */
    FAILED,
    /** Stopped on request; the worktree and branch stay, and it can be resumed. */
    STOPPED,
    /** The host process ended while the agent ran; it can be resumed by its agent session id. */
    INTERRUPTED;

    private static final Map<SessionState, Set<SessionState>> SUCCESSORS = new EnumMap<>(SessionState.class);

    static {
        allow(QUEUED, CREATING_WORKTREE, FAILED, STOPPED);
        allow(CREATING_WORKTREE, RUNNING, FAILED, STOPPED, INTERRUPTED);
        allow(RUNNING, WAITING_FOR_INPUT, IDLE, FAILED, STOPPED, INTERRUPTED);
        allow(WAITING_FOR_INPUT, RUNNING, IDLE, FAILED, STOPPED, INTERRUPTED);
        allow(IDLE, RUNNING, TESTING, READY_TO_MERGE, FAILED, STOPPED);
        allow(TESTING, IDLE, RUNNING, READY_TO_MERGE, FAILED, STOPPED, INTERRUPTED);
        allow(READY_TO_MERGE, RUNNING, TESTING, MERGING, STOPPED, FAILED);
        allow(MERGING, MERGED, READY_TO_MERGE, FAILED, INTERRUPTED);
        allow(MERGED);
        allow(FAILED, QUEUED, RUNNING, STOPPED);
        allow(STOPPED, QUEUED, RUNNING, FAILED);
        allow(INTERRUPTED, QUEUED, RUNNING, STOPPED, FAILED);
    }

    private static void allow(SessionState from, SessionState... to) {
        Set<SessionState> set = EnumSet.noneOf(SessionState.class);
        set.addAll(Arrays.asList(to));
        SUCCESSORS.put(from, Collections.unmodifiableSet(set));
    }

    /** The states this one may move to. */
    public Set<SessionState> successors() {
        return SUCCESSORS.get(this);
    }

    /** True when the lifecycle allows moving from this state to {@code next}. */
    public boolean canMoveTo(SessionState next) {
        return SUCCESSORS.get(this).contains(next);
    }

    /** True for READY_TO_MERGE and MERGED: the work a dependent feature waits for is done. */
    public boolean isDone() {
        return this == READY_TO_MERGE || this == MERGED;
    }

    /**
     * True when, in this state, nothing more happens to a session without a request from outside,
     * provided the orchestrator has no work left for it; whether a whole session is settled is
     * {@link StatusSnapshot#isSettled(String)}.
     */
    public boolean isSettled() {
        return this == IDLE || this == WAITING_FOR_INPUT || this == READY_TO_MERGE || this == MERGED
                || this == FAILED || this == STOPPED || this == INTERRUPTED;
    }

    /** True for MERGED, which no state follows. */
    public boolean isTerminal() {
        return successors().isEmpty();
    }

    /** True while an agent process, a CI run or a merge may be running for the session. */
    public boolean isActive() {
        return this == CREATING_WORKTREE || this == RUNNING || this == TESTING || this == MERGING;
    }
}
