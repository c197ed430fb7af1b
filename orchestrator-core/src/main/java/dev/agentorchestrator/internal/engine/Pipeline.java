package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.internal.store.JsonFileStateStore;
import dev.agentorchestrator.spi.CiRunner;
import dev.agentorchestrator.spi.GitRepository;
import dev.agentorchestrator.spi.SessionStep;
import dev.agentorchestrator.spi.StateStore;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place where a session's work is put together, in order:
 *
 * <pre>
 *  provision ─► setup ─► restack ─► [host BEFORE_AGENT] ─► agent-turn ─► [host AFTER_TURN] ─► commit-check ─► ci ─► reactions ─► [host AFTER_CI]
 * </pre>
 *
 * Each step does its part and calls the next, or ends the work (a failure, a question, a halt, a
 * turn without commits). New capabilities add a step here; hosts add theirs with
 * {@code Orchestrator.Builder.step(phase, step)}.
 */
final class Pipeline {

    private Pipeline() {
    }

    static List<SessionRunner.Step> assemble(EngineConfig config, Lifecycle lifecycle, WorktreeProvisioner provisioner, DriftCheck drift,
                                             GitRepository git, StateStore store, AgentResolver agents, EventHub events,
                                             RetryRegistry retries, TimeLimiter turnLimit, CiRunner ci, Bulkhead ciSlots,
                                             Reactor reactor, Stacker stacker) {
        List<SessionRunner.Step> steps = new ArrayList<>();
        steps.add(new WorktreeSteps.Provision(lifecycle, provisioner, drift, git, stacker::startPoint));
        steps.add(new WorktreeSteps.Setup(lifecycle, provisioner, store));
        steps.add(stacker.step()); // issue 17: a stacked session's turn starts on its dependency's newest commit
        addHost(steps, config, SessionStep.Phase.BEFORE_AGENT);
        steps.add(new AgentTurnStep(lifecycle, agents, store, events, retries, turnLimit, config.agentEnvironment(),
                config.stopGrace(), config.sessionTimeout(), config.budget(), reactor));
        addHost(steps, config, SessionStep.Phase.AFTER_TURN);
        steps.add(new CiSteps.CommitCheck(lifecycle, git, config.uncommittedWork(), reactor));
        steps.add(new CiSteps.Ci(lifecycle, ci, store, events, git, ciSlots, config.ciTimeout(),
                git.commonDir().resolve(JsonFileStateStore.FOLDER).resolve("ci")));
        steps.add(new CiSteps.React(reactor));
        addHost(steps, config, SessionStep.Phase.AFTER_CI);
        return List.copyOf(steps);
    }

    private static void addHost(List<SessionRunner.Step> steps, EngineConfig config, SessionStep.Phase phase) {
        List<SessionStep> host = config.steps().getOrDefault(phase, List.of());
        for (int i = 0; i < host.size(); i++) {
            steps.add(new WorktreeSteps.Host("host-" + phase.name().toLowerCase().replace('_', '-') + "-" + (i + 1),
                    host.get(i)));
        }
    }
}
