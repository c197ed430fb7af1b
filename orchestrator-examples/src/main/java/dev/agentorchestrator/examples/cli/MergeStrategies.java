package dev.agentorchestrator.examples.cli;

import dev.agentorchestrator.MergeStrategy;
import java.util.Locale;

/** The command line's names for the merge strategies. */
public final class MergeStrategies {

    private MergeStrategies() {
    }

    /**
     * {@code merge}, {@code squash}, {@code ff-only} or {@code rebase} (and a few spellings of them).
     *
     * @throws IllegalArgumentException naming the strategies there are
     */
    public static MergeStrategy parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "merge", "merge-commit" -> MergeStrategy.MERGE_COMMIT;
            case "squash" -> MergeStrategy.SQUASH;
            case "ff", "ff-only", "fast-forward", "fast-forward-only" -> MergeStrategy.FAST_FORWARD_ONLY;
            case "rebase" -> MergeStrategy.REBASE;
            default -> throw new IllegalArgumentException("unknown merge strategy '" + text
                    + "'; use merge, squash, ff-only or rebase");
        };
    }
}
