package dev.agentorchestrator;

/** What the orchestrator does when sessions start changing the same files. */
public enum OverlapPolicy {
    /** Publishes {@link OrchestratorEvent.FilesOverlap} and shows it in the status (the default). */
    WARN,
    /** Also tells each agent involved, in a follow-up prompt, which files the others are changing. */
    TELL,
    /**
     * Also holds the later session of each overlapping pair (the one added later) before its next
     * agent turn, while the overlap lasts: its {@link Session#attention() attention} says
     * {@code held: ...} with the other session and the files, and follow-ups wait in its queue.
     * The turn that runs goes on, and its commit is still tested. The hold is lifted when the
     * overlap clears (the other session is merged or removed, or either stops touching the files),
     * or when a person prompts the session (which releases it from that overlap; it is held again
     * only if the overlap grows: another file or another session).
     */
    HOLD
}
