package dev.agentorchestrator.jgit;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Undo steps recorded while something is being made, run newest first when making it fails, so
 * that a half-made worktree (folder, administrative files, branch) never stays behind. A step
 * that fails is attached to the original failure as suppressed and the rest still run.
 */
final class Rollback {

    /** One undo step. */
    @FunctionalInterface
    interface Step {
        void run() throws IOException;
    }

    private final Deque<Step> steps = new ArrayDeque<>();

    void add(Step step) {
        steps.push(step);
    }

    void undo(Throwable failure) {
        while (!steps.isEmpty()) {
            try {
                steps.pop().run();
            } catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }
}
