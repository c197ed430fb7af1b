package dev.agentorchestrator.agents;

import dev.agentorchestrator.AgentLaunchException;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.spi.AgentProcess;
import dev.agentorchestrator.spi.AgentRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Aider non-interactively, one message per process:
 *
 * <pre>
 * aider --message PROMPT --yes-always --no-pretty --no-stream --no-check-update --no-analytics
 *       [--model M] [--no-auto-commits] [--chat-history-file F] [--restore-chat-history] [EXTRA...] [FILE...]
 * </pre>
 *
 * <p>A prompt that does not fit in one argument (longer than
 * {@link ProcessAgentLauncher#MAX_ARGUMENT_CHARS}, or not representable in the JVM's argument
 * encoding) is written to a temporary file passed as {@code --message-file FILE}; the file is
 * deleted when the run ends. {@code --no-check-update} and {@code --no-analytics} are there because
 * {@code --yes-always} would otherwise say yes to upgrading Aider and to sending analytics.
 *
 * <p>Aider has no conversation id. It appends every exchange to its chat history file
 * ({@code .aider.chat.history.md} in the worktree unless {@link Builder#chatHistoryFile} says
 * otherwise); "resuming" means running again in the same worktree with
 * {@code --restore-chat-history}, so the earlier exchanges are sent along. The
 * {@link dev.agentorchestrator.AgentEvent.Started} event carries the history file's name as its
 * session id. Output is read with text heuristics by {@link AiderTextInterpreter}.
 */
public final class AiderLauncher extends ProcessAgentLauncher {
    private static final Logger log = LoggerFactory.getLogger(AiderLauncher.class);

    /** Aider's own default for {@code --chat-history-file}. */
    public static final String DEFAULT_CHAT_HISTORY_FILE = ".aider.chat.history.md";

    // command() runs inside super.launch() on the caller's thread; this hands the message file it
    // wrote back to launch(), which deletes it when the run ends.
    private final ThreadLocal<Path> messageFile = new ThreadLocal<>();

    private final LauncherOptions options;
    private final boolean autoCommits;
    private final Optional<String> chatHistoryFile;
    private final List<String> files;

    /** Aider on the PATH, with the default settings. */
    public AiderLauncher() {
        this(new Builder());
    }

    private AiderLauncher(Builder b) {
        this.options = b.options.build();
        this.autoCommits = b.autoCommits;
        this.chatHistoryFile = Optional.ofNullable(b.chatHistoryFile);
        this.files = List.copyOf(b.files);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this launcher's settings, to derive a changed copy. */
    public Builder newBuilder() {
        Builder b = new Builder(options.newBuilder()).autoCommits(autoCommits).files(files);
        b.chatHistoryFile = chatHistoryFile.orElse(null);
        return b;
    }

    @Override
    public String name() {
        return "aider";
    }

    /** Below Claude Code (100), Codex (50) and Gemini CLI (40): its output is read by heuristics only. */
    @Override
    public int priority() {
        return 30;
    }

    /**
     * {@code executable}, {@code model}, {@code autoCommits}, {@code chatHistoryFile} when set,
     * {@code files} and {@code extraArgs} (NUL-separated) and {@code environmentNames}; never the
     * variables' values.
     */
    @Override
    public Map<String, String> settings() {
        Map<String, String> s = options.settings();
        s.put("autoCommits", Boolean.toString(autoCommits));
        chatHistoryFile.ifPresent(f -> s.put("chatHistoryFile", f));
        LauncherOptions.putList(s, "files", files);
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
    public AgentProcess launch(AgentRequest request) {
        messageFile.remove();
        try {
            AgentProcess process = super.launch(request);
            Path file = messageFile.get();
            if (file != null) {
                process.exit().whenComplete((exit, error) -> deleteQuietly(file));
            }
            return process;
        } catch (RuntimeException e) {
            Optional.ofNullable(messageFile.get()).ifPresent(AiderLauncher::deleteQuietly);
            throw e;
        } finally {
            messageFile.remove();
        }
    }

    @Override
    protected List<String> command(AgentRequest request) {
        List<String> cmd = new ArrayList<>();
        cmd.add(options.executable());
        if (CommandArguments.fitsInArgument(request.prompt())) {
            cmd.add("--message");
            cmd.add(request.prompt());
        } else {
            cmd.add("--message-file");
            cmd.add(writeMessageFile(request).toString());
        }
        cmd.addAll(List.of("--yes-always", "--no-pretty", "--no-stream", "--no-check-update", "--no-analytics"));
        options.model().ifPresent(m -> {
            cmd.add("--model");
            cmd.add(m);
        });
        if (!autoCommits) {
            cmd.add("--no-auto-commits");
        }
        chatHistoryFile.ifPresent(f -> {
            cmd.add("--chat-history-file");
            cmd.add(f);
        });
        if (request.resumeSessionId().isPresent()) {
            cmd.add("--restore-chat-history");
        }
        cmd.addAll(options.extraArgs());
        cmd.addAll(files);
        return cmd;
    }

    private Path writeMessageFile(AgentRequest request) {
        try {
            Path file = Files.createTempFile("aider-message-", ".txt");
            messageFile.set(file);
            Files.writeString(file, request.prompt(), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new AgentLaunchException("Cannot start agent 'aider' for session '" + request.sessionName()
                    + "': the prompt is too long for an argument and writing it to a temporary file failed (" + e.getMessage()
                    + "). Check that java.io.tmpdir (" + System.getProperty("java.io.tmpdir") + ") is writable.", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("could not delete aider's message file {}: {}", file, e.toString());
        }
    }

    @Override
    protected Map<String, String> extraEnvironment(AgentRequest request) {
        return options.environment();
    }

    @Override
    protected OutputInterpreter interpreter(AgentRequest request) {
        return new AiderTextInterpreter(chatHistoryFile.orElse(DEFAULT_CHAT_HISTORY_FILE));
    }

    @Override
    protected String installHint() {
        return "install Aider with 'python -m pip install aider-install && aider-install' (or 'pipx install aider-chat'),"
                + " set the model's API key (such as OPENAI_API_KEY or ANTHROPIC_API_KEY),"
                + " or configure AiderLauncher.builder().executable(...) with its full path";
    }

    @Override
    public String toString() {
        return "AiderLauncher[" + options.executable() + ", model=" + options.model().orElse("default") + ", autoCommits=" + autoCommits + "]";
    }

    /** Settings for an {@link AiderLauncher}; every one has a default. */
    public static final class Builder {
        private final LauncherOptions.Builder options;
        private boolean autoCommits = true;
        private String chatHistoryFile;
        private final List<String> files = new ArrayList<>();

        private Builder() {
            this(new LauncherOptions.Builder("aider"));
        }

        private Builder(LauncherOptions.Builder options) {
            this.options = options;
        }

        /** The {@code aider} executable: a name looked up on the PATH (default) or a full path. */
        public Builder executable(String executable) {
            options.executable(executable);
            return this;
        }

        /** The model ({@code --model}), such as {@code sonnet} or {@code gpt-4o}; Aider's default when not set. */
        public Builder model(String model) {
            options.model(model);
            return this;
        }

        /** Leaves {@code --model} out, so Aider's default model runs. */
        public Builder clearModel() {
            options.clearModel();
            return this;
        }

        /** Whether Aider commits each edit itself (its default, true); false adds {@code --no-auto-commits}. */
        public Builder autoCommits(boolean autoCommits) {
            this.autoCommits = autoCommits;
            return this;
        }

        /** The chat history file ({@code --chat-history-file}), relative to the worktree; Aider's default when not set. */
        public Builder chatHistoryFile(String file) {
            Objects.requireNonNull(file, "file");
            if (file.isBlank()) {
                throw new ConfigurationException("the aider launcher's chatHistoryFile must not be blank: name a file relative to"
                        + " the worktree, or call clearChatHistoryFile() for Aider's default");
            }
            this.chatHistoryFile = file;
            return this;
        }

        /** Leaves {@code --chat-history-file} out, so Aider uses {@value AiderLauncher#DEFAULT_CHAT_HISTORY_FILE}. */
        public Builder clearChatHistoryFile() {
            this.chatHistoryFile = null;
            return this;
        }

        /** Files to add to the chat, relative to the worktree (passed last, as Aider's positional arguments). */
        public Builder files(String... files) {
            return files(Arrays.asList(Objects.requireNonNull(files, "files")));
        }

        public Builder files(List<String> files) {
            Objects.requireNonNull(files, "files");
            files.forEach(f -> this.files.add(Objects.requireNonNull(f, "a file is null")));
            return this;
        }

        /** Arguments added after the options above and before the files, such as {@code --edit-format diff}. */
        public Builder extraArgs(String... args) {
            return extraArgs(Arrays.asList(Objects.requireNonNull(args, "args")));
        }

        public Builder extraArgs(List<String> args) {
            options.extraArgs(args);
            return this;
        }

        /** A variable for Aider's environment, such as {@code ANTHROPIC_API_KEY}. */
        public Builder environment(String key, String value) {
            options.environment(key, value);
            return this;
        }

        public AiderLauncher build() {
            return new AiderLauncher(this);
        }
    }
}
