package dev.agentorchestrator;

import dev.agentorchestrator.spi.AgentLauncher;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A piece of work for one agent: a name (which becomes its branch and folder), a prompt and
 * optional settings that override the orchestrator's.
 *
 * <pre>{@code
 * Feature.builder("auth-api", "Implement JWT authentication")
 *        .baseBranch("develop")
 *        .dependsOn("user-model")
 *        .dependencyMode(DependencyMode.STACKED)
 *        .agent(Agents.codex())
 *        .setup(WorktreeSetup.copying(".env"))
 *        .build();
 * }</pre>
 *
 * @param name       the feature name; see {@link FeatureNames} for the rules
 * @param prompt     the task for the agent
 * @param baseBranch the branch to start from and merge into; empty for the orchestrator's default
 * @param dependsOn  features this one needs; when it starts is said by {@code dependencyMode}
 * @param agent      the launcher for this feature; empty for the orchestrator's default
 * @param setup      the worktree setup for this feature; empty for the orchestrator's default
 * @param dependencyMode how it waits for {@code dependsOn}: {@link DependencyMode#SEQUENTIAL} (the
 *                   default: after they merged) or {@link DependencyMode#STACKED} (at once, on top
 *                   of its one dependency's branch)
 */
public record Feature(String name, String prompt, Optional<String> baseBranch, List<String> dependsOn,
                      Optional<AgentLauncher> agent, Optional<WorktreeSetup> setup, DependencyMode dependencyMode) {

    public Feature {
        FeatureNames.check(name);
        checkPrompt(name, prompt);
        Objects.requireNonNull(baseBranch, "baseBranch");
        Objects.requireNonNull(dependsOn, "dependsOn");
        if (dependsOn.stream().anyMatch(Objects::isNull)) {
            throw new ConfigurationException("Feature '" + name + "': dependsOn holds null; name each feature it needs");
        }
        dependsOn = List.copyOf(dependsOn);
        for (String d : dependsOn) {
            FeatureNames.check(d);
            if (d.equals(name)) {
                throw new ConfigurationException("Feature '" + name + "' cannot depend on itself");
            }
        }
        if (dependsOn.stream().distinct().count() != dependsOn.size()) {
            throw new ConfigurationException("Feature '" + name + "': dependsOn lists a feature twice: " + dependsOn);
        }
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(setup, "setup");
        Objects.requireNonNull(dependencyMode, "dependencyMode");
        if (dependencyMode == DependencyMode.STACKED && dependsOn.size() > 1) {
            // A branch has one parent line: stacking on two branches would mean merging them first.
            throw new ConfigurationException("Feature '" + name + "' is STACKED on " + dependsOn + ", but a stacked feature"
                    + " stacks on the branch of exactly one dependency. Keep one in dependsOn (stack on the last of a"
                    + " chain: c on b, b on a), or use DependencyMode.SEQUENTIAL to start after all of them merged.");
        }
    }

    /** A feature with the default dependency mode, {@link DependencyMode#SEQUENTIAL}. */
    public Feature(String name, String prompt, Optional<String> baseBranch, List<String> dependsOn,
                   Optional<AgentLauncher> agent, Optional<WorktreeSetup> setup) {
        this(name, prompt, baseBranch, dependsOn, agent, setup, DependencyMode.SEQUENTIAL);
    }

    private static void checkPrompt(String name, String prompt) {
        if (prompt == null) {
            throw new ConfigurationException("Feature '" + name + "': prompt is null; pass the task for the agent,"
                    + " for example Feature.of(\"" + name + "\", \"Implement JWT authentication\")");
        }
        if (prompt.isBlank()) {
            throw new ConfigurationException("Feature '" + name + "': prompt must not be blank; say what the agent should do");
        }
    }

    /** A feature with the orchestrator's defaults for everything but name and prompt. */
    public static Feature of(String name, String prompt) {
        return new Feature(name, prompt, Optional.empty(), List.of(), Optional.empty(), Optional.empty());
    }

    public static Builder builder(String name, String prompt) {
        return new Builder(name, prompt);
    }

    /** Builds a {@link Feature}; validation happens in {@link #build()}. */
    public static final class Builder {
        private final String name;
        private final String prompt;
        private String baseBranch;
        private final List<String> dependsOn = new ArrayList<>();
        private AgentLauncher agent;
        private WorktreeSetup setup;
        private DependencyMode dependencyMode = DependencyMode.SEQUENTIAL;

        private Builder(String name, String prompt) {
            // Checked here too, so a bad name or prompt is reported where it was written, not at build().
            FeatureNames.check(name);
            checkPrompt(name, prompt);
            this.name = name;
            this.prompt = prompt;
        }

        public Builder baseBranch(String branch) {
            Objects.requireNonNull(branch, "baseBranch");
            if (branch.isBlank()) {
                throw new ConfigurationException("Feature '" + name + "': baseBranch is blank; name a branch such as"
                        + " baseBranch(\"main\"), or leave it unset for the orchestrator's default");
            }
            this.baseBranch = branch;
            return this;
        }

        public Builder dependsOn(String... features) {
            Objects.requireNonNull(features, "dependsOn");
            for (String f : features) {
                if (f == null) {
                    throw new ConfigurationException("Feature '" + name + "': dependsOn(...) was given null;"
                            + " name each feature it needs, such as dependsOn(\"user-model\")");
                }
            }
            dependsOn.addAll(List.of(features));
            return this;
        }

        /**
         * How this feature waits for those it {@link #dependsOn depends on}; {@link DependencyMode#SEQUENTIAL}
         * when not set.
         */
        public Builder dependencyMode(DependencyMode mode) {
            this.dependencyMode = Objects.requireNonNull(mode, "dependencyMode");
            return this;
        }

        /** Depends on {@code feature} and starts at once on top of its branch: {@code dependsOn(feature)} with {@link DependencyMode#STACKED}. */
        public Builder stackedOn(String feature) {
            return dependsOn(feature).dependencyMode(DependencyMode.STACKED);
        }

        public Builder agent(AgentLauncher agent) {
            this.agent = Objects.requireNonNull(agent, "agent");
            return this;
        }

        public Builder setup(WorktreeSetup setup) {
            this.setup = Objects.requireNonNull(setup, "setup");
            return this;
        }

        public Feature build() {
            return new Feature(name, prompt, Optional.ofNullable(baseBranch), dependsOn,
                    Optional.ofNullable(agent), Optional.ofNullable(setup), dependencyMode);
        }
    }
}
