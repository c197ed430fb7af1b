package dev.agentorchestrator.agents;

import dev.agentorchestrator.spi.AgentRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs OpenAI's Codex CLI headless, one turn per process:
 *
 * <pre>
 * codex exec --json [--model M] [--sandbox MODE] [--dangerously-bypass-approvals-and-sandbox]
 *            [--skip-git-repo-check] [-c KEY=VALUE]... [EXTRA...] [resume SESSION_ID] PROMPT
 * </pre>
 *
 * <p>A prompt that does not fit in one argument (longer than
 * {@link ProcessAgentLauncher#MAX_ARGUMENT_CHARS}, or not representable in the JVM's argument
 * encoding) is passed as {@code -} and written to standard input, which {@code codex exec} reads
 * in that case. Options come before {@code resume}, as Codex's own documentation shows
 * ({@code codex exec --model gpt-5 --json resume --last "..."}); a resumed run must repeat them.
 *
 * <p>The default sandbox is {@link SandboxMode#WORKSPACE_WRITE}, so the agent can edit its worktree
 * ({@code codex exec} alone is read-only; this is what the older {@code --full-auto} meant).
 * Output is read by {@link CodexJsonInterpreter}.
 *
 * <pre>{@code
 * AgentLauncher codex = CodexLauncher.builder().model("gpt-5-codex").build();
 * }</pre>
 */
public final class CodexLauncher extends ProcessAgentLauncher {

    /** Codex's {@code --sandbox} policies for the commands the model runs. */
    public enum SandboxMode {
        READ_ONLY("read-only"),
        WORKSPACE_WRITE("workspace-write"),
        DANGER_FULL_ACCESS("danger-full-access");

        private final String cliValue;

        SandboxMode(String cliValue) {
            this.cliValue = cliValue;
        }

        /** The value as {@code --sandbox} takes it. */
        public String cliValue() {
            return cliValue;
        }
    }

    private final LauncherOptions options;
    private final Optional<SandboxMode> sandbox;
    private final boolean bypassApprovalsAndSandbox;
    private final boolean skipGitRepoCheck;
    private final Map<String, String> config;

    /** Codex on the PATH, with the default settings. */
    public CodexLauncher() {
        this(new Builder());
    }

    private CodexLauncher(Builder b) {
        this.options = b.options.build();
        this.sandbox = Optional.ofNullable(b.sandbox);
        this.bypassApprovalsAndSandbox = b.bypassApprovalsAndSandbox;
        this.skipGitRepoCheck = b.skipGitRepoCheck;
        // insertion order is kept: a later override may build on an earlier one
        this.config = Collections.unmodifiableMap(new LinkedHashMap<>(b.config));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this launcher's settings, to derive a changed copy. */
    public Builder newBuilder() {
        Builder b = new Builder(options.newBuilder()).skipGitRepoCheck(skipGitRepoCheck)
                .bypassApprovalsAndSandbox(bypassApprovalsAndSandbox);
        b.sandbox = sandbox.orElse(null);
        b.config.putAll(config);
        return b;
    }

    @Override
    public String name() {
        return "codex";
    }

    /** Below Claude Code (100): Codex is used by default only when Claude Code's launcher is absent. */
    @Override
    public int priority() {
        return 50;
    }

    /**
     * {@code executable}, {@code model}, {@code sandbox} ({@code bypassed} when approvals and sandbox
     * are bypassed), {@code skipGitRepoCheck}, {@code config.<key>} for each override,
     * {@code extraArgs} (NUL-separated) and {@code environmentNames}; never the variables' values.
     */
    @Override
    public Map<String, String> settings() {
        Map<String, String> s = options.settings();
        s.put("sandbox", bypassApprovalsAndSandbox ? "bypassed" : sandbox.map(SandboxMode::cliValue).orElse("codex default"));
        s.put("skipGitRepoCheck", Boolean.toString(skipGitRepoCheck));
        config.forEach((key, value) -> s.put("config." + key, value));
        return Collections.unmodifiableMap(s);
    }

    @Override
    protected Optional<String> configuredExecutable() {
        return Optional.of(options.executable());
    }

    @Override
    protected List<String> versionArguments() {
        return List.of("--version");
    }

    @Override
    protected List<String> command(AgentRequest request) {
        List<String> cmd = new ArrayList<>();
        cmd.add(options.executable());
        cmd.add("exec");
        cmd.add("--json");
        options.model().ifPresent(m -> {
            cmd.add("--model");
            cmd.add(m);
        });
        if (bypassApprovalsAndSandbox) {
            cmd.add("--dangerously-bypass-approvals-and-sandbox");
        } else {
            sandbox.ifPresent(s -> {
                cmd.add("--sandbox");
                cmd.add(s.cliValue());
            });
        }
        if (skipGitRepoCheck) {
            cmd.add("--skip-git-repo-check");
        }
        config.forEach((key, value) -> {
            cmd.add("-c");
            cmd.add(key + "=" + value);
        });
        cmd.addAll(options.extraArgs());
        request.resumeSessionId().ifPresent(id -> {
            cmd.add("resume");
            cmd.add(id);
        });
        cmd.add(CommandArguments.fitsInArgument(request.prompt()) ? request.prompt() : "-");
        return cmd;
    }

    @Override
    protected Optional<String> standardInput(AgentRequest request) {
        return CommandArguments.fitsInArgument(request.prompt()) ? Optional.empty() : Optional.of(request.prompt());
    }

    @Override
    protected Map<String, String> extraEnvironment(AgentRequest request) {
        return options.environment();
    }

    @Override
    protected OutputInterpreter interpreter(AgentRequest request) {
        return new CodexJsonInterpreter();
    }

    @Override
    protected String installHint() {
        return "install the Codex CLI with 'npm install -g @openai/codex' (or 'brew install --cask codex'),"
                + " sign in with 'codex login' or set CODEX_API_KEY, or configure CodexLauncher.builder().executable(...) with its full path";
    }

    @Override
    public String toString() {
        return "CodexLauncher[" + options.executable() + ", model=" + options.model().orElse("default") + ", sandbox="
                + (bypassApprovalsAndSandbox ? "bypassed" : sandbox.map(SandboxMode::cliValue).orElse("codex default")) + "]";
    }

    /** Settings for a {@link CodexLauncher}; every one has a default. */
    public static final class Builder {
        private final LauncherOptions.Builder options;
        private SandboxMode sandbox = SandboxMode.WORKSPACE_WRITE;
        private boolean bypassApprovalsAndSandbox;
        private boolean skipGitRepoCheck;
        private final Map<String, String> config = new LinkedHashMap<>();

        private Builder() {
            this(new LauncherOptions.Builder("codex"));
        }

        private Builder(LauncherOptions.Builder options) {
            this.options = options;
        }

        /** The {@code codex} executable: a name looked up on the PATH (default) or a full path. */
        public Builder executable(String executable) {
            options.executable(executable);
            return this;
        }

        /** The model ({@code --model}); Codex's configured default when not set. */
        public Builder model(String model) {
            options.model(model);
            return this;
        }

        /** Leaves {@code --model} out, so Codex's configured default model runs. */
        public Builder clearModel() {
            options.clearModel();
            return this;
        }

        /** The sandbox ({@code --sandbox}). Default workspace-write. */
        public Builder sandbox(SandboxMode sandbox) {
            this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
            return this;
        }

        /** Leaves {@code --sandbox} out, so Codex's own configuration decides. */
        public Builder clearSandbox() {
            this.sandbox = null;
            return this;
        }

        /**
         * Runs commands without sandbox and approvals ({@code --dangerously-bypass-approvals-and-sandbox});
         * only for worktrees that are isolated some other way (a container). Replaces {@link #sandbox}.
         */
        public Builder bypassApprovalsAndSandbox(boolean bypass) {
            this.bypassApprovalsAndSandbox = bypass;
            return this;
        }

        /** Lets Codex run outside a git repository ({@code --skip-git-repo-check}); worktrees do not need it. */
        public Builder skipGitRepoCheck(boolean skip) {
            this.skipGitRepoCheck = skip;
            return this;
        }

        /**
         * A configuration override ({@code -c KEY=VALUE}, the value read as TOML), such as
         * {@code config("approval_policy", "never")} or {@code config("model_reasoning_effort", "high")}.
         */
        public Builder config(String key, String value) {
            config.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Arguments added after the options above and before {@code resume} and the prompt. */
        public Builder extraArgs(String... args) {
            return extraArgs(Arrays.asList(Objects.requireNonNull(args, "args")));
        }

        public Builder extraArgs(List<String> args) {
            options.extraArgs(args);
            return this;
        }

        /** A variable for Codex's environment, such as {@code CODEX_API_KEY} or {@code CODEX_HOME}. */
        public Builder environment(String key, String value) {
            options.environment(key, value);
            return this;
        }

        public CodexLauncher build() {
            return new CodexLauncher(this);
        }
    }
}
