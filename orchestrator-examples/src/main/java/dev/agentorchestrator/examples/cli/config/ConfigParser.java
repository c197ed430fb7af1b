package dev.agentorchestrator.examples.cli.config;

import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.DependencyMode;
import dev.agentorchestrator.Feature;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorException;
import dev.agentorchestrator.examples.cli.config.OrchestratorConfig.CiSettings;
import dev.agentorchestrator.examples.cli.config.OrchestratorConfig.EngineSettings;
import dev.agentorchestrator.examples.cli.config.OrchestratorConfig.FeatureSettings;
import dev.agentorchestrator.examples.cli.config.OrchestratorConfig.SetupSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** Turns the YAML tree into an {@link OrchestratorConfig}, checking every key and value. */
final class ConfigParser {

    private static final Set<String> TOP = Set.of("agent", "maxParallelSessions", "worktreesDirectory", "branchPrefix",
            "baseBranch", "setup", "ci", "sessionTimeout", "stopGrace", "engine", "features");
    private static final Set<String> AGENT = Set.of("name", "executable", "model", "args", "environment", "permissionMode",
            "allowedTools", "command", "waitingPattern", "step");
    private static final Map<String, Set<String>> AGENT_ONLY = Map.of(
            "permissionMode", Set.of("claude-code"), "allowedTools", Set.of("claude-code"),
            "command", Set.of("command"), "waitingPattern", Set.of("command"), "step", Set.of("demo"),
            "executable", Set.of("claude-code", "codex", "gemini", "aider"), "model", Set.of("claude-code", "codex", "gemini", "aider"),
            "args", Set.of("claude-code", "codex", "gemini", "aider"));

    private ConfigParser() {
    }

    static OrchestratorConfig parse(String source, YamlNode document) {
        OrchestratorConfig d = OrchestratorConfig.defaults();
        ConfigReader r = ConfigReader.root(source, document);
        r.allowOnly(TOP);
        AgentSettings agent = agent(r);
        int max = r.integer("maxParallelSessions", 1).orElse(d.maxParallelSessions());
        Optional<String> worktrees = r.nonBlank("worktreesDirectory");
        String prefix = r.string("branchPrefix").orElse(d.branchPrefix());
        checked(r, "branchPrefix", () -> Orchestrator.builder().branchPrefix(prefix));
        Optional<String> base = r.nonBlank("baseBranch");
        SetupSettings setup = setup(r);
        CiSettings ci = ci(r);
        Duration sessionTimeout = positive(r, "sessionTimeout").orElse(d.sessionTimeout());
        Duration stopGrace = r.duration("stopGrace").orElse(d.stopGrace());
        EngineSettings engine = r.mapping("engine").map(e -> {
            e.allowOnly(Set.of("idleTimeout"));
            return new EngineSettings(positive(e, "idleTimeout").orElse(EngineSettings.DEFAULT.idleTimeout()));
        }).orElse(EngineSettings.DEFAULT);
        List<FeatureSettings> features = features(r);
        return new OrchestratorConfig(agent, max, worktrees, prefix, base, setup, ci, sessionTimeout, stopGrace, engine, features);
    }

    private static AgentSettings agent(ConfigReader r) {
        if (!r.has("agent")) {
            return AgentSettings.DEFAULT;
        }
        Optional<ConfigReader> section;
        try {
            section = r.mapping("agent");
        } catch (ConfigFileException notAMapping) {
            // "agent: codex" is the short form of "agent: {name: codex}".
            String name = r.string("agent").orElseThrow(() -> notAMapping);
            return checked(r, "agent", () -> AgentSettings.named(name));
        }
        ConfigReader a = section.orElseThrow();
        a.allowOnly(AGENT);
        String name = a.nonBlank("name").orElse(AgentSettings.DEFAULT.name());
        if (!AgentSettings.NAMES.contains(name)) {
            throw a.problem("name", "'" + name + "' is not an agent this command line knows",
                    "use one of " + AgentSettings.NAMES.stream().sorted().toList());
        }
        for (Map.Entry<String, Set<String>> only : AGENT_ONLY.entrySet()) {
            if (a.has(only.getKey()) && !only.getValue().contains(name)) {
                throw a.problem(only.getKey(), "does not apply to agent '" + name + "'",
                        "it is for " + only.getValue().stream().sorted().toList() + "; remove it");
            }
        }
        return checked(a, "name", () -> new AgentSettings(name, a.nonBlank("executable"), a.nonBlank("model"),
                a.stringList("args", false).orElse(List.of()), a.stringMap("environment"), a.nonBlank("permissionMode"),
                a.stringList("allowedTools", false).orElse(List.of()), a.stringList("command", true).orElse(List.of()),
                a.nonBlank("waitingPattern"), positive(a, "step")));
    }

    private static SetupSettings setup(ConfigReader r) {
        return r.mapping("setup").map(s -> {
            s.allowOnly(Set.of("copy", "command", "timeout"));
            SetupSettings settings = new SetupSettings(s.stringList("copy", false).orElse(List.of()),
                    s.stringList("command", true).orElse(List.of()), positive(s, "timeout").orElse(SetupSettings.NONE.timeout()));
            checked(s, "copy", settings::toWorktreeSetup);
            return settings;
        }).orElse(SetupSettings.NONE);
    }

    private static CiSettings ci(ConfigReader r) {
        Optional<ConfigReader> section;
        try {
            section = r.mapping("ci");
        } catch (ConfigFileException notAMapping) {
            return ciCommand(r.stringList("ci", true).orElseThrow(() -> notAMapping), CiSettings.DETECT.timeout());
        }
        return section.map(c -> {
            c.allowOnly(Set.of("command", "timeout"));
            return ciCommand(c.stringList("command", true).orElse(List.of("detect")),
                    positive(c, "timeout").orElse(CiSettings.DETECT.timeout()));
        }).orElse(CiSettings.DETECT);
    }

    private static CiSettings ciCommand(List<String> command, Duration timeout) {
        if (command.equals(List.of("detect")) || command.isEmpty()) {
            return new CiSettings(List.of(), true, timeout);
        }
        if (command.equals(List.of("none"))) {
            return new CiSettings(List.of(), false, timeout);
        }
        return new CiSettings(command, false, timeout);
    }

    private static List<FeatureSettings> features(ConfigReader r) {
        List<FeatureSettings> out = new ArrayList<>();
        for (ConfigReader f : r.mappings("features")) {
            f.allowOnly(Set.of("name", "prompt", "dependsOn", "baseBranch", "agent", "dependencyMode"));
            String name = f.nonBlank("name").orElseThrow(() -> f.problem("name", "is required", "give the feature a name"));
            String prompt = f.nonBlank("prompt").orElseThrow(() -> f.problem("prompt", "is required", "say what the agent should do"));
            checked(f, "name", () -> Feature.of(name, prompt));
            Optional<String> agent = f.nonBlank("agent");
            if (agent.isPresent() && !AgentSettings.NAMES.contains(agent.get()) && !agent.get().equals("demo-agent")) {
                throw f.problem("agent", "'" + agent.get() + "' is not a known agent", "use one of "
                        + AgentSettings.NAMES.stream().sorted().toList());
            }
            List<String> dependsOn = f.stringList("dependsOn", false).orElse(List.of());
            DependencyMode mode = dependencyMode(f, dependsOn);
            FeatureSettings feature = new FeatureSettings(name, prompt, dependsOn, f.nonBlank("baseBranch"), agent, mode);
            // The library's own rules (a dependency named twice, stacked on more than one) at the key's place.
            checked(f, "dependsOn", () -> Feature.builder(name, prompt).dependsOn(dependsOn.toArray(String[]::new))
                    .dependencyMode(mode).build());
            out.add(feature);
        }
        return out;
    }

    /** {@code dependencyMode: sequential|stacked} (any case); stacked needs exactly one {@code dependsOn}. */
    private static DependencyMode dependencyMode(ConfigReader f, List<String> dependsOn) {
        Optional<String> text = f.nonBlank("dependencyMode");
        if (text.isEmpty()) {
            return DependencyMode.SEQUENTIAL;
        }
        DependencyMode mode = switch (text.get().trim().toLowerCase(Locale.ROOT)) {
            case "sequential" -> DependencyMode.SEQUENTIAL;
            case "stacked" -> DependencyMode.STACKED;
            default -> throw f.problem("dependencyMode", "must be sequential or stacked, found '" + text.get() + "'",
                    "write 'sequential' (start after the dependency merged, the default) or 'stacked' (start at once on its branch)");
        };
        if (mode == DependencyMode.STACKED && dependsOn.size() != 1) {
            throw f.problem("dependencyMode", "is stacked, which stacks on the branch of exactly one feature, but dependsOn names "
                    + (dependsOn.isEmpty() ? "none" : dependsOn.size() + ": " + dependsOn),
                    "name the one feature to stack on in dependsOn, or write 'sequential'");
        }
        return mode;
    }

    private static Optional<Duration> positive(ConfigReader r, String key) {
        Optional<Duration> d = r.duration(key);
        if (d.isPresent() && (d.get().isZero() || d.get().isNegative())) {
            throw r.problem(key, "must be longer than zero", "write a duration such as 30s");
        }
        return d;
    }

    /** Runs a library check and reports its failure at the key's location. */
    private static <T> T checked(ConfigReader r, String key, Supplier<T> check) {
        try {
            return check.get();
        } catch (OrchestratorException | IllegalArgumentException e) {
            throw r.problem(key, "is not usable: " + e.getMessage(), "see docs/cli.md");
        }
    }

    static OrchestratorConfig withEnvironment(OrchestratorConfig c, Map<String, String> env) {
        AgentSettings agent = c.agent();
        String agentName = env.get(OrchestratorConfig.ENV_AGENT);
        if (agentName != null && !agentName.isBlank()) {
            try {
                agent = c.agentNamed(agentName.trim());
            } catch (ConfigurationException e) {
                throw new ConfigFileException(OrchestratorConfig.ENV_AGENT, 0, 0, "agent.name", "'" + agentName
                        + "' is not a known agent", "use one of " + AgentSettings.NAMES.stream().sorted().toList());
            }
        }
        String model = env.get(OrchestratorConfig.ENV_MODEL);
        if (model != null && !model.isBlank()) {
            if (!AGENT_ONLY.get("model").contains(agent.name())) {
                throw new ConfigFileException(OrchestratorConfig.ENV_MODEL, 0, 0, "agent.model", "does not apply to agent '"
                        + agent.name() + "'", "unset the variable");
            }
            agent = agent.withModel(model.trim());
        }
        int max = c.maxParallelSessions();
        String maxText = env.get(OrchestratorConfig.ENV_MAX_PARALLEL);
        if (maxText != null && !maxText.isBlank()) {
            try {
                max = Integer.parseInt(maxText.trim());
            } catch (NumberFormatException e) {
                max = 0;
            }
            if (max < 1) {
                throw new ConfigFileException(OrchestratorConfig.ENV_MAX_PARALLEL, 0, 0, "maxParallelSessions",
                        "must be a whole number of 1 or more, was '" + maxText + "'", "fix or unset the variable");
            }
        }
        EngineSettings engine = c.engine();
        String idle = env.get(OrchestratorConfig.ENV_IDLE_TIMEOUT);
        if (idle != null && !idle.isBlank()) {
            Duration d = ConfigReader.parseDuration(idle).filter(x -> !x.isZero() && !x.isNegative()).orElseThrow(() ->
                    new ConfigFileException(OrchestratorConfig.ENV_IDLE_TIMEOUT, 0, 0, "engine.idleTimeout",
                            "must be a duration such as 30s or 10m, was '" + idle + "'", "fix or unset the variable"));
            engine = new EngineSettings(d);
        }
        return new OrchestratorConfig(agent, max, c.worktreesDirectory(), c.branchPrefix(), c.baseBranch(), c.setup(), c.ci(),
                c.sessionTimeout(), c.stopGrace(), engine, c.features());
    }
}
