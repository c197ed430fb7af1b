package dev.agentorchestrator;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * One feature in the merge queue, as stored and as {@link StatusSnapshot#mergeQueue()} shows it.
 * The queue goes by {@link #ORDER}: higher {@link MergeRequest#priority() priority} first, then
 * the order of arrival. Entries that are {@link State#MERGED} or {@link State#REFUSED} stay in the
 * queue, to be seen, until the next run of the queue begins.
 *
 * @param request  what is to be merged and how (its priority included)
 * @param arrival  the queue's running number for this entry: earlier arrivals go first among equal priorities
 * @param queuedAt when it was queued
 * @param state    where it is
 * @param outcome  the merge's outcome, once decided
 * @param detail   what is happening or what happened, for a person (empty while it simply waits)
 */
public record MergeQueueEntry(MergeRequest request, long arrival, Instant queuedAt, State state,
                              Optional<MergeResult.Outcome> outcome, String detail) {

    /** Where an entry is. */
    public enum State {
        /** Waiting for its turn (or for a feature it depends on). */
        QUEUED,
        /** Its merge result (alone or in a batch) is being tested. */
        TESTING,
        /** Its work is on the base branch. */
        MERGED,
        /** Not merged: refused, conflicting, or its merge result's tests failed; {@link #outcome()} says which. */
        REFUSED;

        /** True for MERGED and REFUSED: nothing more happens to the entry in this run. */
        public boolean isFinished() {
            return this == MERGED || this == REFUSED;
        }
    }

    /** The queue's order: higher priority first, then earlier arrival. */
    public static final Comparator<MergeQueueEntry> ORDER = Comparator
            .comparingInt((MergeQueueEntry e) -> -e.priority()).thenComparingLong(MergeQueueEntry::arrival);

    public MergeQueueEntry {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(queuedAt, "queuedAt");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(detail, "detail");
        if (arrival < 0) {
            throw new ConfigurationException("MergeQueueEntry arrival must not be negative, was " + arrival);
        }
        if (state.isFinished() != outcome.isPresent()) {
            throw new ConfigurationException("MergeQueueEntry of '" + request.feature() + "' is " + state + " with outcome "
                    + outcome + "; an entry has an outcome exactly when it is MERGED or REFUSED");
        }
    }

    /** A new entry, waiting. */
    public static MergeQueueEntry queued(MergeRequest request, long arrival, Instant at) {
        return new MergeQueueEntry(request, arrival, at, State.QUEUED, Optional.empty(), "");
    }

    /** The feature (session) to merge. */
    public String feature() {
        return request.feature();
    }

    /** Its priority: higher goes first. */
    public int priority() {
        return request.priority();
    }

    /** This entry in another state, with what is happening. */
    public MergeQueueEntry with(State newState, String newDetail) {
        return new MergeQueueEntry(request, arrival, queuedAt, newState, Optional.empty(), newDetail);
    }

    /** This entry, decided by {@code result}: MERGED when its work is on the base, else REFUSED. */
    public MergeQueueEntry decided(MergeResult result) {
        boolean onBase = result.merged() || result.outcome() == MergeResult.Outcome.ALREADY_MERGED;
        return new MergeQueueEntry(request, arrival, queuedAt, onBase ? State.MERGED : State.REFUSED,
                Optional.of(result.outcome()), result.message());
    }

    /** This entry with another priority (its arrival, and so its place among equals, is kept). */
    public MergeQueueEntry withPriority(int priority) {
        return new MergeQueueEntry(request.withPriority(priority), arrival, queuedAt, state, outcome, detail);
    }

    /** {@code auth (priority 2) QUEUED} or {@code ui (priority 0) REFUSED CONFLICT}. */
    @Override
    public String toString() {
        return feature() + " (priority " + priority() + ") " + state + outcome.map(o -> " " + o).orElse("")
                + (detail.isBlank() ? "" : ": " + detail);
    }
}
