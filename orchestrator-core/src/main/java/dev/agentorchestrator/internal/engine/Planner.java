package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.Feature;
import dev.agentorchestrator.ForecastMatrix;
import dev.agentorchestrator.Overlap;
import dev.agentorchestrator.Plan;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.spi.SessionRecord;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link dev.agentorchestrator.Orchestrator#plan(List)}: adds what the running sessions show to
 * the prompts' evidence: forecast conflicts and overlaps (current and earlier) between planned
 * features that are sessions already, and planned prompts that name files a live session touches.
 */
final class Planner {
    private final Lifecycle lifecycle;
    private final Coordinator coordinator;

    Planner(Lifecycle lifecycle, Coordinator coordinator) {
        this.lifecycle = lifecycle;
        this.coordinator = coordinator;
    }

    Plan plan(List<Feature> features) {
        List<String> names = features.stream().map(Feature::name).toList();
        List<Plan.Collision> known = new ArrayList<>();
        ForecastMatrix forecast = coordinator.forecast();
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                String a = names.get(i);
                String b = names.get(j);
                forecast.pair(a, b).filter(c -> c.outcome() == ForecastMatrix.Outcome.CONFLICT)
                        .ifPresent(c -> known.add(new Plan.Collision(a, b, c.conflictingPaths(), Plan.Source.FORECAST)));
            }
        }
        Set<Overlap> seen = new LinkedHashSet<>(coordinator.overlaps());
        seen.addAll(coordinator.overlapHistory());
        for (Overlap o : seen) {
            String a = o.sessions().get(0);
            String b = o.sessions().get(1);
            if (names.contains(a) && names.contains(b)
                    && known.stream().noneMatch(c -> c.source() == Plan.Source.OVERLAP && c.between(a, b))) {
                known.add(new Plan.Collision(a, b, o.files(), Plan.Source.OVERLAP));
            }
        }
        Map<String, Set<String>> touched = coordinator.touchedFiles();
        for (Feature f : features) {
            List<String> named = Plan.namedPaths(f.prompt());
            if (named.isEmpty()) {
                continue;
            }
            for (SessionRecord s : lifecycle.all()) {
                if (s.name().equals(f.name()) || s.state() == SessionState.MERGED) {
                    continue;
                }
                List<String> shared = Plan.shared(named, List.copyOf(touched.getOrDefault(s.name(), Set.of())));
                if (!shared.isEmpty()) {
                    known.add(new Plan.Collision(f.name(), s.name(), shared, Plan.Source.TOUCHED));
                }
            }
        }
        return Plan.suggest(features, known);
    }
}
