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
 *        .agent(Agents.codex())
 *        .setup(WorktreeSetup.copying(".env"))
 *        .build();
 * }</pre>
 *
 * @param name       the feature name; see {@link FeatureNames} for the rules
 * @param prompt     the task for the agent
 * @param baseBranch the branch to start from and merge into; empty for the orchestrator's default
 * @param dependsOn  features that must be finished (ready to merge or merged) before this one starts
 * @param agent      the launcher for this feature; empty for the orchestrator's default
 * @param setup      the worktree setup for this feature; empty for the orchestrator's default
 */
public record Feature(String name, String prompt, Optional<String> baseBranch, List<String> dependsOn,
                      Optional<AgentLauncher> agent, Optional<WorktreeSetup> setup) {

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
                    Optional.ofNullable(agent), Optional.ofNullable(setup));
        }
    }
}
