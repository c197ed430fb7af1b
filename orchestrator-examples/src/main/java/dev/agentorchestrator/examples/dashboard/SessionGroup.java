package dev.agentorchestrator.examples.dashboard;

import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;

/**
 * The sections of the page, by what a session needs from a person, most urgent first. A session
 * is in exactly one.
 */
enum SessionGroup {
    /**
     * The agent asked something, was refused a tool, failed, or its host died while it ran; or the
     * orchestrator gave up on it (its {@link Session#attention()}: reactions used up, a budget reached).
     */
    NEEDS_INPUT("Waiting for you", true),
    /** Its newest CI run failed and nothing is running to fix it. */
    CI_RED("CI red", true),
    /**
     * Waiting for a person to resolve a conflict: its merge was refused for one, or its branch would
     * conflict with its base (the forecast); only while no agent works on it (one working is WORKING,
     * its card still naming the paths).
     */
    CONFLICT("Conflict", true),
    /** CI passed (or none is configured): it can be merged. */
    READY("Ready to merge", false),
    /** Queued, being set up, working, testing or merging; or held by a person who works on it. */
    WORKING("Working", false),
    /** Merged, or stopped on request. */
    DONE("Done or stopped", false);

    private final String title;
    private final boolean needsAttention;

    SessionGroup(String title, boolean needsAttention) {
        this.title = title;
        this.needsAttention = needsAttention;
    }

    String title() {
        return title;
    }

    /** True when a session in this group makes the page's title and icon ask for attention. */
    boolean needsAttention() {
        return needsAttention;
    }

    /** The group of a session as it is now, given whether its merge into its base conflicts. */
    static SessionGroup of(Session session, boolean conflicted) {
        SessionState state = session.state();
        if (session.isHandedOver() && !state.isDone()) {
            return WORKING; // a person works on it (Orchestrator.hold): nobody else is needed
        }
        if (!session.attention().isEmpty() && !state.isDone()) {
            return NEEDS_INPUT;
        }
        switch (state) {
            case WAITING_FOR_INPUT:
            case FAILED:
            case INTERRUPTED:
                return NEEDS_INPUT;
            case READY_TO_MERGE:
                return conflicted ? CONFLICT : READY;
            case MERGED:
            case STOPPED:
                return DONE;
            case IDLE:
                // An idle session whose last run is red is waiting for someone to decide; a green or
                // untested one is between its turn and its CI run.
                if (!session.lastCi().map(ci -> ci.status().isGreen()).orElse(true)) {
                    return CI_RED;
                }
                return conflicted ? CONFLICT : WORKING;
            default:
                return WORKING;
        }
    }
}
