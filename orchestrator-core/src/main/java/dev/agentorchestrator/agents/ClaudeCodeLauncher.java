package dev.agentorchestrator.agents;

import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.spi.AgentRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs Claude Code headless: {@code claude -p --output-format stream-json --verbose ... -- PROMPT},
 * one process per turn. A follow-up prompt starts a new process with {@code --resume SESSION_ID}
 * (Claude Code only finds the conversation when started in the folder where it began, which the
 * worktree guarantees). The output is read by {@link ClaudeStreamJsonInterpreter}, which also
 * documents how a run is judged done, failed or waiting for input.
 *
 * <p>The launcher is immutable and thread-safe; configure it once:
 *
 * <pre>{@code
 * ClaudeCodeLauncher claude = ClaudeCodeLauncher.builder()
 *         .permissionMode("acceptEdits")
 *         .allowedTools("Bash(git:*)", "Bash(mvn:*)")
 *         .model("sonnet")
 *         .build();
 * }</pre>
 *
 * <p>The prompt is always an argument after {@code --} (so a prompt that starts with a dash is not
 * read as an option) or, when longer than {@link #MAX_ARGUMENT_CHARS} or not representable in the
 * JVM's argument encoding (a C locale), standard input with no prompt argument; never a shell.
 *
 * <p>Claude Code refuses {@code --dangerously-skip-permissions} and
 * {@code --permission-mode bypassPermissions} when run as root; grant tools with
 * {@link Builder#allowedTools(String...)} or {@code permissionMode("acceptEdits")} there.
 *
 * <p>Its builder refuses {@code null} for every parameter ({@link NullPointerException} naming
 * it) and a value it cannot use with a {@link ConfigurationException}; the {@code clear...}
 * methods leave a setting to the CLI's own default.
 */
public final class ClaudeCodeLauncher extends ProcessAgentLauncher {

    /** The name this launcher is registered and recorded under. */
    public static final String NAME = "claude-code";

    private final String executable;
    private final Optional<String> permissionMode;
    private final List<String> allowedTools;
    private final List<String> disallowedTools;
    private final Optional<String> model;
    private final Optional<String> appendSystemPrompt;
    private final List<String> extraArgs;
    private final Map<String, String> environment;

    /** The defaults: {@code claude} from the PATH, the CLI's own permission mode and model, no tools granted. */
    public ClaudeCodeLauncher() {
        this(new Builder());
    }

    private ClaudeCodeLauncher(Builder b) {
        this.executable = b.executable;
        this.permissionMode = b.permissionMode;
        this.allowedTools = List.copyOf(b.allowedTools);
        this.disallowedTools = List.copyOf(b.disallowedTools);
        this.model = b.model;
        this.appendSystemPrompt = b.appendSystemPrompt;
        this.extraArgs = List.copyOf(b.extraArgs);
        this.environment = Map.copyOf(b.environment);
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this launcher's settings, to derive a changed copy. */
    public Builder newBuilder() {
        return new Builder(this);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Claude Code is the default agent: it wins over the other launchers shipped with the library. */
    @Override
    public int priority() {
        return 100;
    }

    public String executable() {
        return executable;
    }

    public Optional<String> permissionMode() {
        return permissionMode;
    }

    public List<String> allowedTools() {
        return allowedTools;
    }

    public List<String> disallowedTools() {
        return disallowedTools;
    }

    public Optional<String> model() {
        return model;
    }

    public Optional<String> appendSystemPrompt() {
        return appendSystemPrompt;
    }

    public List<String> extraArgs() {
        return extraArgs;
    }

    public Map<String, String> environment() {
        return environment;
    }

    /**
     * The settings that decide how Claude Code runs: {@code executable}, {@code permissionMode},
     * {@code allowedTools}, {@code disallowedTools} (comma-separated), {@code model},
     * {@code appendSystemPrompt}, {@code extraArgs} (NUL-separated); unset ones are left out. The
     * names of the configured environment variables are listed under {@code environmentNames}, their
     * values never (they are often keys).
     */
    @Override
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("executable", executable);
        permissionMode.ifPresent(v -> s.put("permissionMode", v));
        LauncherOptions.putList(s, "allowedTools", allowedTools);
        LauncherOptions.putList(s, "disallowedTools", disallowedTools);
        model.ifPresent(v -> s.put("model", v));
        appendSystemPrompt.ifPresent(v -> s.put("appendSystemPrompt", v));
        LauncherOptions.putList(s, "extraArgs", extraArgs);
        LauncherOptions.putEnvironmentNames(s, environment);
        return java.util.Collections.unmodifiableMap(s);
    }

    @Override
    protected Optional<String> configuredExecutable() {
        return Optional.of(executable);
    }

    @Override
    protected List<String> versionArguments() {
        return List.of("--version");
    }

    /** True when the prompt cannot travel as one argument (too long, or not encodable) and goes to standard input. */
    static boolean promptOnStdin(AgentRequest request) {
        return !CommandArguments.fitsInArgument(request.prompt());
    }

    @Override
    protected List<String> command(AgentRequest request) {
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.add("-p");
        command.addAll(List.of("--output-format", "stream-json", "--verbose"));
        request.resumeSessionId().ifPresent(id -> command.addAll(List.of("--resume", id)));
        permissionMode.ifPresent(mode -> command.addAll(List.of("--permission-mode", mode)));
        // Both tool options take a variable number of values; each must be followed by another
        // option or by "--", which the layout below guarantees.
        if (!allowedTools.isEmpty()) {
            command.add("--allowedTools");
            command.addAll(allowedTools);
        }
        if (!disallowedTools.isEmpty()) {
            command.add("--disallowedTools");
            command.addAll(disallowedTools);
        }
        model.ifPresent(m -> command.addAll(List.of("--model", m)));
        appendSystemPrompt.ifPresent(text -> command.addAll(List.of("--append-system-prompt", text)));
        command.addAll(extraArgs);
        if (!promptOnStdin(request)) {
            command.add("--");
            command.add(request.prompt());
        }
        return command;
    }

    @Override
    protected Optional<String> standardInput(AgentRequest request) {
        return promptOnStdin(request) ? Optional.of(request.prompt()) : Optional.empty();
    }

    /**
     * The configured variables, then the request's: a session's own setting wins over the
     * launcher-wide default. (The base class applies this map last.)
     */
    @Override
    protected Map<String, String> extraEnvironment(AgentRequest request) {
        Map<String, String> env = new HashMap<>(environment);
        env.putAll(request.environment());
        return env;
    }

    @Override
    protected OutputInterpreter interpreter(AgentRequest request) {
        return new ClaudeStreamJsonInterpreter();
    }

    @Override
    protected String installHint() {
        return "install Claude Code (npm install -g @anthropic-ai/claude-code), or give its full path with"
                + " ClaudeCodeLauncher.builder().executable(...)";
    }

    @Override
    public String toString() {
        return "ClaudeCodeLauncher[executable=" + executable + ", permissionMode=" + permissionMode.orElse("(default)")
                + ", allowedTools=" + allowedTools + ", disallowedTools=" + disallowedTools
                + ", model=" + model.orElse("(default)") + ", extraArgs=" + extraArgs + "]";
    }

    /** Collects a {@link ClaudeCodeLauncher}'s settings. Not thread-safe; {@link #build()} copies. */
    public static final class Builder {
        private String executable = "claude";
        private Optional<String> permissionMode = Optional.empty();
        private List<String> allowedTools = List.of();
        private List<String> disallowedTools = List.of();
        private Optional<String> model = Optional.empty();
        private Optional<String> appendSystemPrompt = Optional.empty();
        private List<String> extraArgs = List.of();
        private Map<String, String> environment = Map.of();

        private Builder() {
        }

        private Builder(ClaudeCodeLauncher from) {
            executable = from.executable;
            permissionMode = from.permissionMode;
            allowedTools = from.allowedTools;
            disallowedTools = from.disallowedTools;
            model = from.model;
            appendSystemPrompt = from.appendSystemPrompt;
            extraArgs = from.extraArgs;
            environment = from.environment;
        }

        /** The {@code claude} executable: a name looked up on the PATH, or a full path. Default {@code claude}. */
        public Builder executable(String executable) {
            this.executable = requireText(executable, "executable");
            return this;
        }

        /**
         * {@code --permission-mode}: {@code default}, {@code acceptEdits}, {@code plan},
         * {@code dontAsk}, {@code auto}, {@code bypassPermissions} (refused as root), or whatever
         * the installed CLI accepts. {@link #clearPermissionMode()} leaves the flag out.
         */
        public Builder permissionMode(String mode) {
            this.permissionMode = Optional.of(requireText(mode, "permissionMode"));
            return this;
        }

        /** Leaves {@code --permission-mode} out, so the CLI's default (or its settings file) applies. */
        public Builder clearPermissionMode() {
            this.permissionMode = Optional.empty();
            return this;
        }

        /** {@code --allowedTools}: tools the agent may use without asking, such as {@code Write} or {@code Bash(git:*)}. */
        public Builder allowedTools(String... tools) {
            return allowedTools(java.util.Arrays.asList(Objects.requireNonNull(tools, "tools")));
        }

        /** {@code --allowedTools}; replaces any earlier list. */
        public Builder allowedTools(List<String> tools) {
            this.allowedTools = toolList(tools, "allowedTools");
            return this;
        }

        /** {@code --disallowedTools}: tools the agent must not use. */
        public Builder disallowedTools(String... tools) {
            return disallowedTools(java.util.Arrays.asList(Objects.requireNonNull(tools, "tools")));
        }

        /** {@code --disallowedTools}; replaces any earlier list. */
        public Builder disallowedTools(List<String> tools) {
            this.disallowedTools = toolList(tools, "disallowedTools");
            return this;
        }

        /** {@code --model}: an alias ({@code sonnet}, {@code opus}) or a full model name. */
        public Builder model(String model) {
            this.model = Optional.of(requireText(model, "model"));
            return this;
        }

        /** Leaves {@code --model} out, so the CLI's default model runs. */
        public Builder clearModel() {
            this.model = Optional.empty();
            return this;
        }

        /** {@code --append-system-prompt}: text added to the end of Claude Code's system prompt. */
        public Builder appendSystemPrompt(String text) {
            this.appendSystemPrompt = Optional.of(requireText(text, "appendSystemPrompt"));
            return this;
        }

        /** Leaves {@code --append-system-prompt} out. */
        public Builder clearAppendSystemPrompt() {
            this.appendSystemPrompt = Optional.empty();
            return this;
        }

        /** Further arguments, placed after the options above and before the prompt. */
        public Builder extraArgs(String... args) {
            return extraArgs(java.util.Arrays.asList(Objects.requireNonNull(args, "args")));
        }

        /** Further arguments; replaces any earlier list. */
        public Builder extraArgs(List<String> args) {
            Objects.requireNonNull(args, "args");
            for (String arg : args) {
                Objects.requireNonNull(arg, "extraArgs element");
                if (arg.equals("--")) {
                    throw new ConfigurationException("ClaudeCodeLauncher extraArgs must not contain \"--\": the launcher puts it"
                            + " before the prompt; pass options only");
                }
            }
            this.extraArgs = List.copyOf(args);
            return this;
        }

        /**
         * Variables added to the agent's environment, such as {@code ANTHROPIC_BASE_URL} or
         * {@code CLAUDE_CONFIG_DIR}; a request's own variables win over these.
         */
        public Builder environment(Map<String, String> environment) {
            Objects.requireNonNull(environment, "environment");
            this.environment = Map.copyOf(new LinkedHashMap<>(environment));
            return this;
        }

        public ClaudeCodeLauncher build() {
            return new ClaudeCodeLauncher(this);
        }

        private static List<String> toolList(List<String> tools, String what) {
            Objects.requireNonNull(tools, what);
            for (String tool : tools) {
                requireText(tool, what + " element");
            }
            return List.copyOf(tools);
        }

        private static String requireText(String value, String what) {
            Objects.requireNonNull(value, what);
            if (value.isBlank()) {
                throw new ConfigurationException("ClaudeCodeLauncher " + what + " must not be blank: give a value, or leave the"
                        + " setting out for the CLI's default");
            }
            return value;
        }
    }
}
