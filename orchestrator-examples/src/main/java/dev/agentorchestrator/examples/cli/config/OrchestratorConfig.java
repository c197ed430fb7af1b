package dev.agentorchestrator.examples.cli.config;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.DependencyMode;
import dev.agentorchestrator.Feature;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.WorktreeSetup;
import dev.agentorchestrator.spi.CiRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of {@code agent-orchestrator.yaml}, read by the command line and usable by any
 * host that embeds the library, so both share one file:
 *
 * <pre>{@code
 * OrchestratorConfig config = OrchestratorConfig.load(repo.resolve(OrchestratorConfig.FILE_NAME));
 * try (Orchestrator o = config.applyTo(Orchestrator.builder().repo(repo), repo).start()) { ... }
 * }</pre>
 *
 * Every key and its default is in docs/cli.md. Unknown keys and wrong types are errors that name
 * the key, its line and column ({@link ConfigFileException}).
 *
 * @param agent               the agent for sessions that do not name one
 * @param maxParallelSessions how many agents work at once (default 3)
 * @param worktreesDirectory  where worktrees go, relative to the repository; empty for {@code <repo>.worktrees}
 * @param branchPrefix        prefix of feature branches (default {@code feature/})
 * @param baseBranch          the base branch; empty for the main worktree's current branch
 * @param setup               what runs in each new worktree
 * @param ci                  the CI command and its time limit
 * @param sessionTimeout      how long one agent turn may take (default 2h)
 * @param stopGrace           how long a stopping agent gets before it is killed (default 10s)
 * @param engine              the background engine process's settings
 * @param features            features to add when the engine starts (those already stored are kept)
 */
public record OrchestratorConfig(AgentSettings agent, int maxParallelSessions, Optional<String> worktreesDirectory,
                                 String branchPrefix, Optional<String> baseBranch, SetupSettings setup, CiSettings ci,
                                 Duration sessionTimeout, Duration stopGrace, EngineSettings engine,
                                 List<FeatureSettings> features) {

    /** The file's name, in the main worktree's root. */
    public static final String FILE_NAME = "agent-orchestrator.yaml";

    /** Overrides {@code agent.name}. */
    public static final String ENV_AGENT = "AGENT_ORCHESTRATOR_AGENT";
    /** Overrides {@code agent.model}. */
    public static final String ENV_MODEL = "AGENT_ORCHESTRATOR_MODEL";
    /** Overrides {@code maxParallelSessions}. */
    public static final String ENV_MAX_PARALLEL = "AGENT_ORCHESTRATOR_MAX_PARALLEL_SESSIONS";
    /** Overrides {@code engine.idleTimeout}. */
    public static final String ENV_IDLE_TIMEOUT = "AGENT_ORCHESTRATOR_IDLE_TIMEOUT";

    public OrchestratorConfig {
        Objects.requireNonNull(agent, "agent");
        if (maxParallelSessions < 1) {
            throw new ConfigurationException("maxParallelSessions must be at least 1, was " + maxParallelSessions);
        }
        Objects.requireNonNull(worktreesDirectory, "worktreesDirectory");
        Objects.requireNonNull(branchPrefix, "branchPrefix");
        Objects.requireNonNull(baseBranch, "baseBranch");
        Objects.requireNonNull(setup, "setup");
        Objects.requireNonNull(ci, "ci");
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        Objects.requireNonNull(stopGrace, "stopGrace");
        Objects.requireNonNull(engine, "engine");
        features = List.copyOf(features);
    }

    /** Every default: Claude Code, 3 at once, CI detected from the build files. */
    public static OrchestratorConfig defaults() {
        return new OrchestratorConfig(AgentSettings.DEFAULT, 3, Optional.empty(), "feature/", Optional.empty(),
                SetupSettings.NONE, CiSettings.DETECT, Duration.ofHours(2), Duration.ofSeconds(10), EngineSettings.DEFAULT,
                List.of());
    }

    /**
     * Reads the file; a missing file is an error (see {@link #loadOrDefaults(Path)}).
     *
     * @throws ConfigFileException naming the key, line and column of the first problem
     */
    public static OrchestratorConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigFileException(file.toString(), 0, 0, "", "does not exist",
                    "run 'agent-orchestrator init' to write one, or create it (docs/cli.md lists the keys)");
        } catch (IOException e) {
            throw new ConfigFileException(file.toString(), 0, 0, "", "cannot be read: " + e.getMessage(), "check its permissions");
        }
        return parse(file.getFileName().toString(), text);
    }

    /** Reads the file when it exists, else the defaults. */
    public static OrchestratorConfig loadOrDefaults(Path file) {
        return Files.exists(file) ? load(file) : defaults();
    }

    /** Reads YAML text; {@code source} names it in error messages. */
    public static OrchestratorConfig parse(String source, String yaml) {
        return ConfigParser.parse(source, YamlTree.parse(source, yaml));
    }

    /**
     * The same settings with the environment's overrides applied: {@value #ENV_AGENT},
     * {@value #ENV_MODEL}, {@value #ENV_MAX_PARALLEL}, {@value #ENV_IDLE_TIMEOUT}. An agent named by
     * the environment that differs from the file's starts from that agent's defaults.
     *
     * @throws ConfigFileException naming the variable when its value cannot be used
     */
    public OrchestratorConfig withEnvironment(Map<String, String> environment) {
        return ConfigParser.withEnvironment(this, environment);
    }

    /**
     * Sets these values on {@code builder}: agent, bound, folders, branches, setup, CI, time limits
     * and the features.
     *
     * @param repository the main worktree, which a relative {@code worktreesDirectory} is resolved against
     */
    public Orchestrator.Builder applyTo(Orchestrator.Builder builder, Path repository) {
        builder.agent(agent.launcher())
                .maxParallelSessions(maxParallelSessions)
                .branchPrefix(branchPrefix)
                .setup(setup.toWorktreeSetup())
                .ci(ci.runner())
                .ciTimeout(ci.timeout())
                .sessionTimeout(sessionTimeout)
                .stopGrace(stopGrace);
        worktreesDirectory.ifPresent(d -> builder.worktreesDirectory(repository.resolve(d).normalize()));
        baseBranch.ifPresent(builder::baseBranch);
        for (FeatureSettings f : features) {
            builder.feature(f.toFeature(this));
        }
        return builder;
    }

    /** The agent of that name: the configured one when the names match, else that agent with its defaults. */
    public AgentSettings agentNamed(String name) {
        return agent.name().equals(name) || "demo-agent".equals(name) && agent.name().equals("demo")
                ? agent : AgentSettings.named(name.equals("demo-agent") ? "demo" : name);
    }

    /**
     * The {@code setup:} section.
     *
     * @param copy    files copied from the main worktree into each new one
     * @param command the command run in each new worktree (no shell), empty for none
     * @param timeout how long the command may run (default 10m)
     */
    public record SetupSettings(List<String> copy, List<String> command, Duration timeout) {
        public static final SetupSettings NONE = new SetupSettings(List.of(), List.of(), WorktreeSetup.DEFAULT_TIMEOUT);

        public SetupSettings {
            copy = List.copyOf(copy);
            command = List.copyOf(command);
            Objects.requireNonNull(timeout, "timeout");
        }

        public WorktreeSetup toWorktreeSetup() {
            return new WorktreeSetup(copy, command, timeout);
        }
    }

    /**
     * The {@code ci:} section.
     *
     * @param command the test command (no shell); empty with {@code detect} true to pick it from the
     *                build files, empty with {@code detect} false for no CI
     * @param detect  whether to detect the command
     * @param timeout how long one CI run may take (default 30m)
     */
    public record CiSettings(List<String> command, boolean detect, Duration timeout) {
        public static final CiSettings DETECT = new CiSettings(List.of(), true, Duration.ofMinutes(30));

        public CiSettings {
            command = List.copyOf(command);
            Objects.requireNonNull(timeout, "timeout");
            if (!command.isEmpty() && detect) {
                throw new ConfigurationException("ci: give a command or detect it, not both");
            }
        }

        public CiRunner runner() {
            if (!command.isEmpty()) {
                return Ci.command(command.toArray(String[]::new));
            }
            return detect ? Ci.detect() : Ci.none();
        }

        /** What {@code status} and {@code doctor} show. */
        public String describe() {
            return !command.isEmpty() ? String.join(" ", command) : detect ? "detect" : "none";
        }
    }

    /**
     * The {@code engine:} section.
     *
     * @param idleTimeout how long the background engine waits with no live session and no client
     *                    before it stops (default 30m)
     */
    public record EngineSettings(Duration idleTimeout) {
        public static final EngineSettings DEFAULT = new EngineSettings(Duration.ofMinutes(30));

        public EngineSettings {
            Objects.requireNonNull(idleTimeout, "idleTimeout");
        }
    }

    /**
     * One item of {@code features:}.
     *
     * @param name       the feature name
     * @param prompt     the task
     * @param dependsOn  features that must be finished first
     * @param baseBranch its own base branch, if any
     * @param agent      its own agent's name, if any
     * @param dependencyMode how it waits for {@code dependsOn} ({@code dependencyMode: sequential|stacked})
     */
    public record FeatureSettings(String name, String prompt, List<String> dependsOn, Optional<String> baseBranch,
                                  Optional<String> agent, DependencyMode dependencyMode) {
        public FeatureSettings {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(prompt, "prompt");
            dependsOn = List.copyOf(dependsOn);
            Objects.requireNonNull(baseBranch, "baseBranch");
            Objects.requireNonNull(agent, "agent");
            Objects.requireNonNull(dependencyMode, "dependencyMode");
        }

        /** A feature with the default mode, {@link DependencyMode#SEQUENTIAL}. */
        public FeatureSettings(String name, String prompt, List<String> dependsOn, Optional<String> baseBranch,
                               Optional<String> agent) {
            this(name, prompt, dependsOn, baseBranch, agent, DependencyMode.SEQUENTIAL);
        }

        /** The library's feature (its agent looked up in {@code config}). */
        public Feature toFeature(OrchestratorConfig config) {
            Feature.Builder b = Feature.builder(name, prompt).dependsOn(dependsOn.toArray(String[]::new))
                    .dependencyMode(dependencyMode);
            baseBranch.ifPresent(b::baseBranch);
            agent.ifPresent(a -> b.agent(config.agentNamed(a).launcher()));
            return b.build();
        }
    }
}
