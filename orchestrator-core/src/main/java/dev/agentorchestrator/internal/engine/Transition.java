package dev.agentorchestrator.internal.engine;

import static dev.agentorchestrator.SessionState.CREATING_WORKTREE;
import static dev.agentorchestrator.SessionState.FAILED;
import static dev.agentorchestrator.SessionState.IDLE;
import static dev.agentorchestrator.SessionState.MERGED;
import static dev.agentorchestrator.SessionState.MERGING;
import static dev.agentorchestrator.SessionState.INTERRUPTED;
import static dev.agentorchestrator.SessionState.QUEUED;
import static dev.agentorchestrator.SessionState.READY_TO_MERGE;
import static dev.agentorchestrator.SessionState.RUNNING;
import static dev.agentorchestrator.SessionState.STOPPED;
import static dev.agentorchestrator.SessionState.TESTING;
import static dev.agentorchestrator.SessionState.WAITING_FOR_INPUT;

import dev.agentorchestrator.SessionState;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Every move the engine makes, by name. Each names the states it may start from and the state it
 * leads to; {@link Lifecycle#apply} checks both inside the store's atomic update, so the check and
 * the write can never be separated by another writer. A <em>forward</em> move continues the
 * session's work and gives way to a pending stop or close (see {@link Lifecycle}): the halt is
 * carried out in its place. Only INTERRUPT, which the engine applies itself at restart, is not.
 *
 * <p>Every move here is also allowed by {@link SessionState}'s table (a test checks it); the table
 * says what is possible, this enum says what the engine does.
 */
enum Transition {
    /** A slot is free and the dependencies are done: the worktree is being made. */
    PROVISION(CREATING_WORKTREE, QUEUED),
    /** The agent was launched (its handle is stored in the same write). */
    LAUNCHED(RUNNING, CREATING_WORKTREE, IDLE, WAITING_FOR_INPUT, READY_TO_MERGE, FAILED, STOPPED, INTERRUPTED),
    /** The agent ended its turn without error. */
    TURN_DONE(IDLE, RUNNING),
    /** The agent asked a question or was refused a tool. */
    ASKED(WAITING_FOR_INPUT, RUNNING),
    /** The agent, its launch, the time limit, the worktree or the setup failed. */
    FAILED_WITH(FAILED, QUEUED, CREATING_WORKTREE, RUNNING, WAITING_FOR_INPUT, IDLE, TESTING, READY_TO_MERGE,
            FAILED, STOPPED, INTERRUPTED),
    /** CI started on the branch head. */
    TEST(TESTING, IDLE, READY_TO_MERGE),
    /** CI passed (or was already green for this commit, or none is configured). */
    CI_GREEN(READY_TO_MERGE, TESTING, IDLE),
    /** CI failed, errored or timed out. */
    CI_RED(IDLE, TESTING),
    /** A merge of the session's branch began (the session is READY_TO_MERGE and nothing else works on it). */
    MERGE_START(MERGING, READY_TO_MERGE),
    /** The base branch moved to the merged commit. */
    MERGE_DONE(MERGED, MERGING),
    /** The merge was refused or conflicted; nothing moved. */
    MERGE_REFUSED(READY_TO_MERGE, MERGING),
    /** A stop was requested. */
    STOP(STOPPED, QUEUED, CREATING_WORKTREE, RUNNING, WAITING_FOR_INPUT, IDLE, TESTING, READY_TO_MERGE, FAILED,
            INTERRUPTED),
    /** The orchestrator closed, or died, while the session was being worked on. */
    INTERRUPT(INTERRUPTED, CREATING_WORKTREE, RUNNING, TESTING);

    private final SessionState to;
    private final Set<SessionState> from;

    Transition(SessionState to, SessionState first, SessionState... rest) {
        this.to = to;
        this.from = EnumSet.of(first, rest);
    }

    SessionState to() {
        return to;
    }

    /** True when the move continues work, so that a pending stop or close takes its place. */
    boolean forward() {
        return this != INTERRUPT;
    }

    Set<SessionState> from() {
        return from;
    }

    boolean allowedFrom(SessionState state) {
        return from.contains(state);
    }

    @Override
    public String toString() {
        return name() + Arrays.toString(from.toArray()) + "->" + to;
    }
}
