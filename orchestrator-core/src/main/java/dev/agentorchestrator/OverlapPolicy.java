package dev.agentorchestrator;

/** What the orchestrator does when sessions start changing the same files. */
public enum OverlapPolicy {
    /** Publishes {@link OrchestratorEvent.FilesOverlap} and shows it in the status (the default). */
    WARN,
    /** Also tells each agent involved, in a follow-up prompt, which files the others are changing. */
    TELL
}
