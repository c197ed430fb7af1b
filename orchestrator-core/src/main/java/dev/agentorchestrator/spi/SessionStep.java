package dev.agentorchestrator.spi;

import dev.agentorchestrator.Session;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One step of the work the orchestrator does for a session. The work is an ordered chain of
 * steps, assembled in one place: make the worktree, run its setup, run the agent's turns (launch
 * with retry and a time limit, record usage), check for new commits, run CI. A host adds its own
 * steps with {@code Orchestrator.Builder.step(phase, step)}, and later capabilities of the library
 * are added the same way.
 *
 * <p>A step does its part and calls {@link Chain#proceed()} to run the steps after it, or returns
 * without calling it to end the work there (the session keeps the state it has). It runs on an
 * orchestrator worker thread, never on a listener's or a caller's; it may block (a check, a
 * command), and a stop request interrupts that thread.
 *
 * <pre>{@code
 * Orchestrator.builder()
 *     .step(SessionStep.Phase.AFTER_TURN, chain -> {
 *         chain.note("lint: " + runLinter(chain.worktree().orElseThrow()));
 *         chain.proceed();
 *     })
 * }</pre>
 */
@FunctionalInterface
public interface SessionStep {

    /** Where a host's step runs among the built-in ones. */
    enum Phase {
        /** After the worktree and its setup, before each run of the agent's turns. */
        BEFORE_AGENT,
        /** After the agent's turn ended without error, before the commit check and CI. */
        AFTER_TURN,
        /** After CI decided (green or red), as the last step. */
        AFTER_CI
    }

    /** Does this step's part of the work; calls {@code chain.proceed()} to go on. */
    void run(Chain chain);

    /** What a step sees of the work in progress. */
    interface Chain {

        /** The session as stored now. */
        Session session();

        /** The worktree the session works in, once made. */
        Optional<Path> worktree();

        /** Appends a line to the session's transcript. */
        void note(String line);

        /** Runs the steps after this one; returns when they are done. */
        void proceed();

        /** Ends the work here with the session FAILED, {@code reason} as its message. */
        void fail(String reason);
    }
}
