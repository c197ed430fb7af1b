package dev.agentorchestrator.examples.dashboard;

import dev.agentorchestrator.DiffStat;
import dev.agentorchestrator.ForecastMatrix;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.Overlap;
import dev.agentorchestrator.Session;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What the cards show beyond the session itself, taken once for a batch of cards so every card of a
 * frame agrees: the forecast, the overlaps, the counted diff stats and the refused merges.
 */
record CardFacts(ForecastMatrix forecast, List<Overlap> overlaps, DiffStats stats, MergeConflicts refusals) {

    static CardFacts of(Orchestrator orchestrator, DiffStats stats, MergeConflicts refusals) {
        // A merged branch is in its base and overlaps nobody any more; the engine drops it from its
        // overlaps a moment after the merge, without an event, so the cards drop it at once themselves.
        java.util.Set<String> merged = new java.util.HashSet<>();
        orchestrator.sessions().stream().filter(s -> s.state() == dev.agentorchestrator.SessionState.MERGED)
                .forEach(s -> merged.add(s.name()));
        List<Overlap> live = orchestrator.overlaps().stream()
                .filter(o -> o.sessions().stream().noneMatch(merged::contains)).toList();
        return new CardFacts(orchestrator.forecast(), live, stats, refusals);
    }

    Optional<DiffStat> diffStat(String session) {
        return stats.of(session);
    }

    /**
     * Why merging the session into its base conflicts, and in which paths: its refused merge and the
     * forecast against its base, together; empty when neither says so.
     */
    Optional<Conflict> conflict(Session s) {
        Optional<List<String>> refused = refusals.refused(s.name());
        Optional<ForecastMatrix.Cell> forecastCell = forecast.againstBase(s.name())
                .filter(c -> c.outcome() == ForecastMatrix.Outcome.CONFLICT);
        if (refused.isEmpty() && forecastCell.isEmpty()) {
            return Optional.empty();
        }
        TreeSet<String> paths = new TreeSet<>();
        refused.ifPresent(paths::addAll);
        forecastCell.ifPresent(c -> paths.addAll(c.conflictingPaths()));
        return Optional.of(new Conflict(s.baseBranch(), List.copyOf(paths), refused.isPresent(), forecastCell.isPresent()));
    }

    /** The other sessions whose branches would conflict with this one's, from the forecast. */
    List<ForecastMatrix.Cell> pairConflicts(String session) {
        return forecast.pairs().stream().filter(c -> c.outcome() == ForecastMatrix.Outcome.CONFLICT)
                .filter(c -> c.name().equals(session) || c.other().equals(session)).toList();
    }

    /**
     * A conflict with the base branch.
     *
     * @param paths        the conflicting paths (may be empty when a refusal named none)
     * @param mergeRefused its last merge was refused for this conflict
     * @param forecast     the forecast against its base conflicts
     */
    record Conflict(String base, List<String> paths, boolean mergeRefused, boolean forecast) {
        Conflict {
            paths = List.copyOf(paths);
        }
    }
}
