package dev.agentorchestrator.examples.cli.engine;

import dev.agentorchestrator.DependencyMode;
import dev.agentorchestrator.EventSubscription;
import dev.agentorchestrator.Feature;
import dev.agentorchestrator.ForecastMatrix;
import dev.agentorchestrator.MergeRequest;
import dev.agentorchestrator.MergeResult;
import dev.agentorchestrator.MergeStrategy;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.Overlap;
import dev.agentorchestrator.RemoveRequest;
import dev.agentorchestrator.RepositoryDrift;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.examples.cli.RepositoryLayout;
import dev.agentorchestrator.examples.cli.config.OrchestratorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything the engine process asks of the library's {@link Orchestrator}, in one place, so that
 * a change of the core API is adapted here and nowhere else in the command line. (Read-only
 * commands use the state store directly; see {@code StoredState}.)
 */
public final class EngineCommands implements AutoCloseable {

    private final Orchestrator orchestrator;
    private final OrchestratorConfig config;

    private EngineCommands(Orchestrator orchestrator, OrchestratorConfig config) {
        this.orchestrator = orchestrator;
        this.config = config;
    }

    /**
     * Starts the repository's orchestrator with the config: takes the engine lock, recovers what a
     * crashed engine left (sessions mid-work become INTERRUPTED, queued ones queue again) and adds
     * the configured features.
     */
    public static EngineCommands start(RepositoryLayout layout, OrchestratorConfig config) {
        Orchestrator.Builder builder = Orchestrator.builder().repo(layout.mainWorktree());
        config.applyTo(builder, layout.mainWorktree());
        return new EngineCommands(builder.start(), config);
    }

    /** A feature to add: {@code create NAME --prompt ... [--agent] [--depends-on [--stacked]] [--base]}. */
    public record CreateRequest(String name, String prompt, Optional<String> agent, List<String> dependsOn,
                                Optional<String> baseBranch, DependencyMode dependencyMode) {
        public CreateRequest {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(prompt, "prompt");
            Objects.requireNonNull(agent, "agent");
            dependsOn = List.copyOf(dependsOn);
            Objects.requireNonNull(baseBranch, "baseBranch");
            Objects.requireNonNull(dependencyMode, "dependencyMode");
        }

        /** A request with the default mode, {@link DependencyMode#SEQUENTIAL}. */
        public CreateRequest(String name, String prompt, Optional<String> agent, List<String> dependsOn,
                             Optional<String> baseBranch) {
            this(name, prompt, agent, dependsOn, baseBranch, DependencyMode.SEQUENTIAL);
        }
    }

    /**
     * Adds the features in order; every feature is checked before the first is added, so a bad
     * name leaves nothing behind.
     */
    public List<Session> create(List<CreateRequest> requests) {
        List<Feature> features = new ArrayList<>();
        for (CreateRequest r : requests) {
            Feature.Builder b = Feature.builder(r.name(), r.prompt()).dependsOn(r.dependsOn().toArray(String[]::new))
                    .dependencyMode(r.dependencyMode());
            r.baseBranch().ifPresent(b::baseBranch);
            r.agent().ifPresent(a -> b.agent(config.agentNamed(a).launcher()));
            features.add(b.build());
        }
        List<Session> added = new ArrayList<>();
        for (Feature f : features) {
            added.add(orchestrator.addFeature(f));
        }
        return added;
    }

    public List<Session> sessions() {
        return orchestrator.sessions();
    }

    public Session session(String name) {
        return orchestrator.session(name);
    }

    public Session prompt(String name, String text) {
        return orchestrator.prompt(name, text);
    }

    public Session stop(String name) {
        return orchestrator.stop(name);
    }

    /**
     * Runs CI on the session's branch head now (or when a CI slot is free).
     *
     * @throws dev.agentorchestrator.IllegalStateTransitionException when the session is not IDLE or READY_TO_MERGE
     */
    public Session runCi(String name) {
        return orchestrator.runCi(name);
    }

    /**
     * Hands the session to a person ({@code attach}): it starts no agent turn until {@link #release}.
     * When {@code pid} is given the hold ends by itself as that process ends (a terminal closed
     * without leaving the agent), while this engine runs; a hold outliving the engine is released
     * by {@code attach}'s own end or by the {@code release} command.
     *
     * @throws dev.agentorchestrator.IllegalStateTransitionException while an agent turn runs
     */
    public Session hold(String name, String why, Optional<Long> pid) {
        Session held = orchestrator.hold(name, why);
        String attention = held.attention();
        pid.flatMap(ProcessHandle::of).ifPresent(process -> process.onExit().thenRun(() -> {
            try {
                // Only the hold this process took: a later attach holds with another reason.
                if (orchestrator.session(name).attention().equals(attention)) {
                    orchestrator.release(name);
                }
            } catch (RuntimeException closedOrRemoved) {
                // The engine is stopping or the session is gone: nothing is held any more.
            }
        }));
        return held;
    }

    /** Ends a {@link #hold}; prompts that waited start. */
    public Session release(String name) {
        return orchestrator.release(name);
    }

    /**
     * How the session's record and the repository differ because of a change by hand, looking now
     * (what it finds also becomes the session's attention).
     */
    public Optional<RepositoryDrift> drift(String name) {
        return orchestrator.drift(name);
    }

    /**
     * Makes the record follow the repository where that loses nothing.
     *
     * @throws dev.agentorchestrator.GitException when it cannot be repaired this way (the message says what to do)
     * @throws dev.agentorchestrator.IllegalStateTransitionException while the session is worked on
     */
    public Session repair(String name) {
        return orchestrator.repair(name);
    }

    /** Merges one feature now with the strategy given (empty: the default merge commit). */
    public MergeResult merge(String name, java.util.Optional<MergeStrategy> strategy) {
        MergeRequest request = MergeRequest.of(name);
        return orchestrator.merge(strategy.map(request::withStrategy).orElse(request));
    }

    /** The merge queue over these features, or over every ready one when the list is empty. */
    public List<MergeResult> mergeQueue(List<String> names) {
        return names.isEmpty() ? orchestrator.mergeAll() : orchestrator.merge(names);
    }

    /** The latest conflict forecast, computed in the background as branches move. */
    public ForecastMatrix forecast() {
        return orchestrator.forecast();
    }

    /** Files two sessions change at once, as of the latest refresh. */
    public List<Overlap> overlaps() {
        return orchestrator.overlaps();
    }

    /** Waits until the session settles (nothing running, no prompt waiting). */
    public Session await(String name, Duration timeout) {
        return orchestrator.await(name, timeout);
    }

    /**
     * Removes the session, its worktree and (unless {@code keepBranch}) its branch.
     */
    public void remove(String name, boolean keepBranch, boolean force) {
        RemoveRequest request = RemoveRequest.of(name);
        request = keepBranch ? request.keepBranch() : request;
        orchestrator.remove(force ? request.force() : request);
    }

    /** True while any session works, waits for a slot or has a follow-up prompt waiting: the engine must not stop then. */
    public boolean hasLiveSession() {
        return orchestrator.sessions().stream().anyMatch(s -> !s.state().isSettled() || !s.pendingPrompts().isEmpty());
    }

    /** Every event from now on, delivered on the orchestrator's listener threads. */
    public EventSubscription subscribe(Consumer<? super OrchestratorEvent> listener) {
        return orchestrator.events().subscribe(listener);
    }

    /** The running orchestrator, for the dashboard to attach to; commands go through the methods above. */
    public Orchestrator orchestrator() {
        return orchestrator;
    }

    public OrchestratorConfig config() {
        return config;
    }

    @Override
    public void close() {
        orchestrator.close();
    }
}
