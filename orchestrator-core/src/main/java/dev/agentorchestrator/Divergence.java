package dev.agentorchestrator;

/**
 * How far a branch and its base have moved apart since their merge base.
 *
 * @param ahead  commits on the branch that the base does not have
 * @param behind commits on the base that the branch does not have
 */
public record Divergence(int ahead, int behind) {
    public Divergence {
        if (ahead < 0 || behind < 0) {
            throw new IllegalArgumentException("ahead and behind must not be negative");
        }
    }
}
