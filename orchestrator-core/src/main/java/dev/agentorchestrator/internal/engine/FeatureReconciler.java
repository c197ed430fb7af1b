package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.Feature;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.WorktreeSetup;
import dev.agentorchestrator.spi.AgentLauncher;
import dev.agentorchestrator.spi.SessionRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Brings the builder's features and the stored sessions together at start. A new feature is added
 * (dependencies first, so a feature may name one listed after it). A feature that is already a
 * session and was changed in the program is never silently ignored: a change that is safe is
 * applied and noted in the transcript (the agent's settings, the setup, or anything of a session
 * that has not started), and one that is not (a new task for a session that has started) is
 * refused before anything is written, with the difference named.
 */
final class FeatureReconciler {

    private final Lifecycle lifecycle;
    private final AgentResolver agents;
    private final WorktreeSetup defaultSetup;

    FeatureReconciler(Lifecycle lifecycle, AgentResolver agents, WorktreeSetup defaultSetup) {
        this.lifecycle = lifecycle;
        this.agents = agents;
        this.defaultSetup = defaultSetup;
    }

    void reconcile(List<Feature> features, Consumer<Feature> add) {
        List<Runnable> updates = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (Feature f : features) {
            lifecycle.find(f.name()).ifPresent(stored -> compare(f, stored, updates, refusals));
        }
        if (!refusals.isEmpty()) {
            throw new ConfigurationException("The builder's features differ from their stored sessions in ways that"
                    + " cannot be applied: " + String.join("; ", refusals) + ". A session that has started keeps its"
                    + " task: send more work with prompt(name, text), or remove the session (remove(name)) and add it"
                    + " again, or give the feature as it was.");
        }
        updates.forEach(Runnable::run);
        addNew(features.stream().filter(f -> lifecycle.find(f.name()).isEmpty()).toList(), add);
    }

    private void compare(Feature f, SessionRecord stored, List<Runnable> updates, List<String> refusals) {
        String name = f.name();
        boolean notStarted = stored.state() == SessionState.QUEUED;
        List<String> changes = new ArrayList<>();
        List<UnaryOperator<SessionRecord.Builder>> edits = new ArrayList<>();
        if (!f.prompt().equals(stored.prompt())) {
            if (notStarted) {
                changes.add("prompt");
                edits.add(b -> b.prompt(f.prompt()));
            } else {
                refusals.add("'" + name + "' (" + stored.state() + ") has the prompt '" + Lifecycle.oneLine(stored.prompt())
                        + "', the builder gives '" + Lifecycle.oneLine(f.prompt()) + "'");
            }
        }
        if (f.baseBranch().isPresent() && !f.baseBranch().get().equals(stored.baseBranch())) {
            if (notStarted) {
                changes.add("base branch " + stored.baseBranch() + " -> " + f.baseBranch().get());
                edits.add(b -> b.baseBranch(f.baseBranch().get()));
            } else {
                refusals.add("'" + name + "' (" + stored.state() + ") started from '" + stored.baseBranch()
                        + "', the builder gives base branch '" + f.baseBranch().get() + "'");
            }
        }
        if (!f.dependsOn().equals(stored.dependsOn())) {
            refusals.add("'" + name + "' depends on " + stored.dependsOn() + ", the builder gives " + f.dependsOn());
        }
        if (f.dependencyMode() != stored.dependencyMode()) {
            if (notStarted) {
                changes.add("dependency mode " + stored.dependencyMode() + " -> " + f.dependencyMode());
                edits.add(b -> b.dependencyMode(f.dependencyMode()));
            } else {
                refusals.add("'" + name + "' (" + stored.state() + ") started as " + stored.dependencyMode()
                        + ", the builder gives dependency mode " + f.dependencyMode());
            }
        }
        if (f.agent().isPresent()) {
            AgentLauncher agent = f.agent().get();
            agents.adopt(name, agent);
            boolean otherAgent = !agent.name().equals(stored.agent());
            if (otherAgent && stored.agentSessionId().isPresent()) {
                refusals.add("'" + name + "' runs a conversation of agent '" + stored.agent() + "', the builder gives agent '"
                        + agent.name() + "', which cannot resume it");
            } else if (otherAgent || !agent.settings().equals(stored.agentSettings())) {
                changes.add("agent " + stored.agent() + stored.agentSettings() + " -> " + agent.name() + agent.settings());
                edits.add(b -> b.agent(agent.name(), agent.settings()));
            }
        }
        WorktreeSetup setup = f.setup().orElse(defaultSetup);
        if (!setup.equals(stored.setup())) {
            changes.add(stored.setupDone() ? "setup (runs when the worktree is made again)" : "setup (runs on the next try)");
            edits.add(b -> b.setup(setup));
        }
        if (!edits.isEmpty()) {
            updates.add(() -> {
                lifecycle.update(name, b -> {
                    edits.forEach(e -> e.apply(b));
                    return b;
                });
                lifecycle.note(name, "updated from the builder's feature: " + String.join(", ", changes));
            });
        }
    }

    private void addNew(List<Feature> features, Consumer<Feature> add) {
        // Unknown names and cycles are refused before anything is added, naming them.
        DependencyGraph graph = new DependencyGraph();
        lifecycle.all().forEach(r -> graph.add(r.name(), r.dependsOn()));
        features.forEach(f -> graph.add(f.name(), f.dependsOn()));
        graph.check();
        List<Feature> toAdd = new ArrayList<>(features);
        while (!toAdd.isEmpty()) {
            Optional<Feature> next = toAdd.stream()
                    .filter(f -> f.dependsOn().stream().allMatch(d -> lifecycle.find(d).isPresent())).findFirst();
            if (next.isEmpty()) {
                throw new ConfigurationException("features " + toAdd.stream().map(Feature::name).toList()
                        + " depend on features that are neither configured nor stored, or on each other in a cycle: "
                        + toAdd.stream().map(f -> f.name() + " -> " + f.dependsOn()).toList()
                        + ". Add the missing features or break the cycle.");
            }
            add.accept(next.get());
            toAdd.remove(next.get());
        }
    }
}
