package dev.agentorchestrator.examples.dashboard;

import dev.agentorchestrator.ForecastMatrix;
import dev.agentorchestrator.MergeResult;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.SessionState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The merges refused for a conflict, remembered from the engine's {@code MergeFinished} events until
 * something may have resolved them: the session's next merge, its agent working again, or the
 * forecast against its base turning clean. (A refusal is worth remembering beside the forecast: a
 * rebase can conflict where a three-way merge, which the forecast computes, does not.)
 */
final class MergeConflicts {

    private final Orchestrator orchestrator;
    private final Map<String, List<String>> refused = new ConcurrentHashMap<>();

    MergeConflicts(Orchestrator orchestrator) {
        this.orchestrator = orchestrator;
    }

    void observe(OrchestratorEvent event) {
        if (event instanceof OrchestratorEvent.MergeFinished finished) {
            if (finished.result().outcome() == MergeResult.Outcome.CONFLICT) {
                refused.put(finished.session(), finished.result().conflicts());
            } else {
                refused.remove(finished.session());
            }
        } else if (event instanceof OrchestratorEvent.StateChanged changed && changed.to() == SessionState.RUNNING) {
            refused.remove(changed.session());
        } else if (event instanceof OrchestratorEvent.ForecastChanged changed && intoBase(changed)
                && changed.cell().outcome() == ForecastMatrix.Outcome.CLEAN) {
            refused.remove(changed.session());
        } else if (event instanceof OrchestratorEvent.SessionRemoved) {
            refused.remove(event.session());
        }
    }

    /** True for the forecast of a session's branch merged into its base (not with another session). */
    static boolean intoBase(OrchestratorEvent.ForecastChanged changed, Orchestrator orchestrator) {
        // The engine names the base branch as the other side of a base cell, and a session as the other side of a pair.
        return changed.other().isEmpty() || orchestrator.findSession(changed.session())
                .map(s -> s.baseBranch().equals(changed.other())).orElse(false)
                && orchestrator.findSession(changed.other()).isEmpty();
    }

    private boolean intoBase(OrchestratorEvent.ForecastChanged changed) {
        return intoBase(changed, orchestrator);
    }

    /** The paths of the session's last merge, when it was refused for a conflict and nothing changed since. */
    Optional<List<String>> refused(String session) {
        return Optional.ofNullable(refused.get(session));
    }
}
