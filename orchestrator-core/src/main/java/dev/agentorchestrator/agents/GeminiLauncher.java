package dev.agentorchestrator.agents;

import dev.agentorchestrator.spi.AgentRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs Google's Gemini CLI headless, one turn per process:
 *
 * <pre>
 * gemini --output-format stream-json [--model M] [--approval-mode MODE] [--resume SESSION_ID] [EXTRA...] -p PROMPT
 * </pre>
 *
 * <p>A prompt that does not fit in one argument (longer than
 * {@link ProcessAgentLauncher#MAX_ARGUMENT_CHARS}, or not representable in the JVM's argument
 * encoding) is written to standard input instead and {@code -p} is left out: with stdin not a
 * terminal and no prompt flag, the CLI runs headless on what stdin holds.
 *
 * <p>{@code --resume SESSION_ID} continues the conversation whose id came in the {@code init}
 * event. Gemini keeps sessions per project folder, so a resumed run must start in the same
 * worktree (the engine does that).
 *
 * <p>The default approval mode is {@link ApprovalMode#AUTO_EDIT}: file edits run, while tools
 * that need a confirmation (shell commands) are refused in headless mode, which ends the run as
 * waiting for input. Output is read by {@link GeminiStreamJsonInterpreter}.
 */
public final class GeminiLauncher extends ProcessAgentLauncher {

    /** Gemini CLI's {@code --approval-mode} values. */
    public enum ApprovalMode {
        /** Every tool that changes something asks first; headless, that means it is refused. */
        DEFAULT("default"),
        /** File edits are approved automatically; other confirmations are refused. */
        AUTO_EDIT("auto_edit"),
        /** Every tool call is approved (the CLI's {@code --yolo}). */
        YOLO("yolo");

        private final String cliValue;

        ApprovalMode(String cliValue) {
            this.cliValue = cliValue;
        }

        /** The value as {@code --approval-mode} takes it. */
        public String cliValue() {
            return cliValue;
        }
    }

    private final LauncherOptions options;
    private final Optional<ApprovalMode> approvalMode;

    /** Gemini CLI on the PATH, with the default settings. */
    public GeminiLauncher() {
        this(new Builder());
    }

    private GeminiLauncher(Builder b) {
        this.options = b.options.build();
        this.approvalMode = Optional.ofNullable(b.approvalMode);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this launcher's settings, to derive a changed copy. */
    public Builder newBuilder() {
        Builder b = new Builder(options.newBuilder());
        b.approvalMode = approvalMode.orElse(null);
        return b;
    }

    @Override
    public String name() {
        return "gemini";
    }

    /** Below Claude Code (100) and Codex (50). */
    @Override
    public int priority() {
        return 40;
    }

    /**
     * {@code executable}, {@code model}, {@code approvalMode}, {@code extraArgs} (NUL-separated) and
     * {@code environmentNames}; never the variables' values.
     */
    @Override
    public Map<String, String> settings() {
        Map<String, String> s = options.settings();
        s.put("approvalMode", approvalMode.map(ApprovalMode::cliValue).orElse("gemini default"));
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
        cmd.add("--output-format");
        cmd.add("stream-json");
        options.model().ifPresent(m -> {
            cmd.add("--model");
            cmd.add(m);
        });
        approvalMode.ifPresent(mode -> {
            cmd.add("--approval-mode");
            cmd.add(mode.cliValue());
        });
        request.resumeSessionId().ifPresent(id -> {
            cmd.add("--resume");
            cmd.add(id);
        });
        cmd.addAll(options.extraArgs());
        if (CommandArguments.fitsInArgument(request.prompt())) {
            cmd.add("-p");
            cmd.add(request.prompt());
        }
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
        return new GeminiStreamJsonInterpreter();
    }

    @Override
    protected String installHint() {
        return "install the Gemini CLI with 'npm install -g @google/gemini-cli' (Node.js 20 or newer),"
                + " authenticate (GEMINI_API_KEY or a first interactive run), or configure GeminiLauncher.builder().executable(...) with its full path";
    }

    @Override
    public String toString() {
        return "GeminiLauncher[" + options.executable() + ", model=" + options.model().orElse("default")
                + ", approvalMode=" + approvalMode.map(ApprovalMode::cliValue).orElse("gemini default") + "]";
    }

    /** Settings for a {@link GeminiLauncher}; every one has a default. */
    public static final class Builder {
        private final LauncherOptions.Builder options;
        private ApprovalMode approvalMode = ApprovalMode.AUTO_EDIT;

        private Builder() {
            this(new LauncherOptions.Builder("gemini"));
        }

        private Builder(LauncherOptions.Builder options) {
            this.options = options;
        }

        /** The {@code gemini} executable: a name looked up on the PATH (default) or a full path. */
        public Builder executable(String executable) {
            options.executable(executable);
            return this;
        }

        /** The model ({@code --model}), such as {@code gemini-2.5-pro}; the CLI's default when not set. */
        public Builder model(String model) {
            options.model(model);
            return this;
        }

        /** Leaves {@code --model} out, so the CLI's default model runs. */
        public Builder clearModel() {
            options.clearModel();
            return this;
        }

        /** The approval mode ({@code --approval-mode}). Default auto_edit. */
        public Builder approvalMode(ApprovalMode mode) {
            this.approvalMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Leaves {@code --approval-mode} out, so the CLI's settings decide. */
        public Builder clearApprovalMode() {
            this.approvalMode = null;
            return this;
        }

        /** Shorthand for {@code approvalMode(ApprovalMode.YOLO)}: approve every tool call. */
        public Builder yolo() {
            return approvalMode(ApprovalMode.YOLO);
        }

        /** Arguments added before the prompt, such as {@code --include-directories ../shared}. */
        public Builder extraArgs(String... args) {
            return extraArgs(Arrays.asList(Objects.requireNonNull(args, "args")));
        }

        public Builder extraArgs(List<String> args) {
            options.extraArgs(args);
            return this;
        }

        /** A variable for the CLI's environment, such as {@code GEMINI_API_KEY}. */
        public Builder environment(String key, String value) {
            options.environment(key, value);
            return this;
        }

        public GeminiLauncher build() {
            return new GeminiLauncher(this);
        }
    }
}
