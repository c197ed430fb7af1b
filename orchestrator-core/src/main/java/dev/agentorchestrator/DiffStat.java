package dev.agentorchestrator;

/**
 * Size of a change, as {@code git diff --shortstat} counts it.
 *
 * @param filesChanged number of files that differ
 * @param linesAdded   lines added (binary files count zero)
 * @param linesRemoved lines removed (binary files count zero)
 */
public record DiffStat(int filesChanged, int linesAdded, int linesRemoved) {
    public static final DiffStat EMPTY = new DiffStat(0, 0, 0);

    public DiffStat {
        if (filesChanged < 0 || linesAdded < 0 || linesRemoved < 0) {
            throw new IllegalArgumentException("DiffStat counts must not be negative");
        }
    }
}
