package dev.agentorchestrator.examples.cli.config;

import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.agents.AiderLauncher;
import dev.agentorchestrator.agents.ClaudeCodeLauncher;
import dev.agentorchestrator.agents.CodexLauncher;
import dev.agentorchestrator.agents.CommandLauncher;
import dev.agentorchestrator.agents.GeminiLauncher;
import dev.agentorchestrator.examples.demo.DemoAgentLauncher;
import dev.agentorchestrator.spi.AgentLauncher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code agent:} section: which coding agent runs the sessions and its options.
 *
 * @param name           {@code claude-code} (default), {@code codex}, {@code gemini}, {@code aider},
 *                       {@code command} (any program, see {@code command}) or {@code demo} (the offline demo agent)
 * @param executable     the agent's program, a name on the PATH or a full path; empty for the agent's default
 * @param model          the model to ask for; empty for the agent's default
 * @param args           further arguments for every run
 * @param environment    further environment variables for every run
 * @param permissionMode Claude Code's {@code --permission-mode}; empty for its default
 * @param allowedTools   Claude Code's {@code --allowedTools}
 * @param command        the {@code command} agent's command line; {@code {prompt}}, {@code {session}} and
 *                       {@code {worktree}} are replaced
 * @param waitingPattern for the {@code command} agent: a last output line matching it means the agent asks something
 * @param step           for the {@code demo} agent: the pause between its steps
 */
public record AgentSettings(String name, Optional<String> executable, Optional<String> model, List<String> args,
                            Map<String, String> environment, Optional<String> permissionMode, List<String> allowedTools,
                            List<String> command, Optional<String> waitingPattern, Optional<Duration> step) {

    /** The agents this file can name. */
    public static final Set<String> NAMES = Set.of(ClaudeCodeLauncher.NAME, "codex", "gemini", "aider", "command", "demo");

    /** Claude Code with its defaults. */
    public static final AgentSettings DEFAULT = named(ClaudeCodeLauncher.NAME);

    public AgentSettings {
        Objects.requireNonNull(name, "name");
        if (!NAMES.contains(name)) {
            throw new ConfigurationException("agent.name '" + name + "' is not an agent this command line knows; use one of "
                    + NAMES.stream().sorted().toList());
        }
        Objects.requireNonNull(executable, "executable");
        Objects.requireNonNull(model, "model");
        args = List.copyOf(args);
        environment = Map.copyOf(environment);
        Objects.requireNonNull(permissionMode, "permissionMode");
        allowedTools = List.copyOf(allowedTools);
        command = List.copyOf(command);
        Objects.requireNonNull(waitingPattern, "waitingPattern");
        Objects.requireNonNull(step, "step");
        if (name.equals("command") && command.isEmpty()) {
            throw new ConfigurationException("agent.command is required when agent.name is 'command': give the program and"
                    + " its arguments, with {prompt} where the prompt goes");
        }
    }

    /** The agent of that name with its defaults. */
    public static AgentSettings named(String name) {
        return new AgentSettings(name, Optional.empty(), Optional.empty(), List.of(), Map.of(), Optional.empty(), List.of(),
                List.of(), Optional.empty(), Optional.empty());
    }

    /** The same settings with another model. */
    public AgentSettings withModel(String model) {
        return new AgentSettings(name, executable, Optional.of(model), args, environment, permissionMode, allowedTools, command,
                waitingPattern, step);
    }

    /** The program {@code doctor} checks: the executable, the command's first word, or the agent's default. */
    public Optional<String> program() {
        if (executable.isPresent()) {
            return executable;
        }
        return switch (name) {
            case "claude-code" -> Optional.of("claude");
            case "command" -> Optional.of(command.get(0));
            case "demo" -> Optional.empty();
            default -> Optional.of(name);
        };
    }

    /** A launcher with these settings. */
    public AgentLauncher launcher() {
        return switch (name) {
            case "claude-code" -> {
                ClaudeCodeLauncher.Builder b = ClaudeCodeLauncher.builder().extraArgs(args).environment(environment);
                executable.ifPresent(b::executable);
                model.ifPresent(b::model);
                permissionMode.ifPresent(b::permissionMode);
                if (!allowedTools.isEmpty()) {
                    b.allowedTools(allowedTools);
                }
                yield b.build();
            }
            case "codex" -> {
                CodexLauncher.Builder b = CodexLauncher.builder().extraArgs(args);
                environment.forEach(b::environment);
                executable.ifPresent(b::executable);
                model.ifPresent(b::model);
                yield b.build();
            }
            case "gemini" -> {
                GeminiLauncher.Builder b = GeminiLauncher.builder().extraArgs(args);
                environment.forEach(b::environment);
                executable.ifPresent(b::executable);
                model.ifPresent(b::model);
                yield b.build();
            }
            case "aider" -> {
                AiderLauncher.Builder b = AiderLauncher.builder().extraArgs(args);
                environment.forEach(b::environment);
                executable.ifPresent(b::executable);
                model.ifPresent(b::model);
                yield b.build();
            }
            case "command" -> {
                CommandLauncher.Builder b = CommandLauncher.builder().command(command).environment(environment);
                waitingPattern.ifPresent(b::waitingPattern);
                yield b.build();
            }
            default -> new DemoAgentLauncher(step.orElse(Duration.ofMillis(400)));
        };
    }
}
