package dev.agentorchestrator;

/**
 * What the orchestrator does when an agent's turn ends with changes it did not commit. CI never
 * tests a tree that differs from the commit it names, so the branch is tested only once the work
 * is committed.
 */
public enum UncommittedWork {
    /** Sends the agent a follow-up asking it to commit (the default); a reaction attempt counts. */
    ASK_AGENT,
    /** Commits the changes on the agent's behalf, with a message naming the feature, then tests. */
    COMMIT,
    /** Leaves them, and marks the session as needing attention with the files named. */
    FLAG
}
