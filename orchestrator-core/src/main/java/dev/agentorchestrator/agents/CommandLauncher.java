package dev.agentorchestrator.agents;

import dev.agentorchestrator.AgentLaunchException;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.spi.AgentRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs any command as an agent: a host's own script, the offline demo agent, or an agent this
 * library has no dedicated launcher for. The command never runs through a shell.
 *
 * <p>The prompt reaches it in one of two ways: in place of a {@code {prompt}} placeholder inside
 * any argument (substituted, not shell-expanded), or on standard input when no argument holds the
 * placeholder or {@link Builder#promptOnStdin()} is set. Two more placeholders are replaced:
 * {@code {session}} (the orchestrator's session name) and {@code {worktree}} (the absolute
 * working directory). When a run resumes a conversation, the agent's session id is in the
 * environment variable {@value #RESUME_SESSION_VARIABLE}.
 *
 * <pre>{@code
 * AgentLauncher demo = CommandLauncher.of("python3", "agent.py", "{prompt}");
 * AgentLauncher mine = CommandLauncher.builder()
 *         .command("./my-agent", "--task", "{prompt}", "--dir", "{worktree}")
 *         .name("my-agent")
 *         .environment("MY_AGENT_MODE", "batch")
 *         .waitingPattern("^QUESTION: ")
 *         .build();
 * }</pre>
 *
 * <p>Its output is read as plain text ({@link CommandTextInterpreter}): every stdout line is the
 * agent talking; exit code 0 is done, any other is a failure explained by the last stderr lines; a
 * last stdout line that matches the waiting pattern means the agent waits for an answer.
 *
 * <p>It needs a command, so it has no no-argument constructor and is not registered for
 * {@link java.util.ServiceLoader}.
 */
public final class CommandLauncher extends ProcessAgentLauncher {

    /** Replaced by the prompt, wherever it occurs inside an argument. */
    public static final String PROMPT_PLACEHOLDER = "{prompt}";
    /** Replaced by the orchestrator's session (feature) name. */
    public static final String SESSION_PLACEHOLDER = "{session}";
    /** Replaced by the absolute path of the working directory (the worktree). */
    public static final String WORKTREE_PLACEHOLDER = "{worktree}";
    /** Set to the agent session id being resumed, absent on a fresh run. */
    public static final String RESUME_SESSION_VARIABLE = "AGENT_ORCHESTRATOR_RESUME_SESSION";

    private static final Pattern PLACEHOLDERS = Pattern.compile("\\{(prompt|session|worktree)}");

    private final List<String> command;
    private final String name;
    private final Map<String, String> environment;
    private final Optional<Pattern> waitingPattern;
    private final boolean promptOnStdinRequested;
    private final boolean promptOnStdin;

    private CommandLauncher(Builder b) {
        if (b.command.isEmpty()) {
            throw new ConfigurationException("a command launcher needs a command: call command(\"my-agent\", \"{prompt}\")");
        }
        if (b.command.get(0).isBlank()) {
            throw new ConfigurationException("the command's executable (its first element) is blank: name the program to run");
        }
        this.command = List.copyOf(b.command);
        this.name = b.name;
        this.environment = Map.copyOf(b.environment);
        this.waitingPattern = Optional.ofNullable(b.waitingPattern);
        this.promptOnStdinRequested = b.promptOnStdin;
        this.promptOnStdin = b.promptOnStdin || command.stream().noneMatch(a -> a.contains(PROMPT_PLACEHOLDER));
    }

    /** A launcher for this command line, with {@code {prompt}} in an argument or the prompt on stdin. */
    public static CommandLauncher of(String... command) {
        return builder().command(command).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this launcher's settings, to derive a changed copy. */
    public Builder newBuilder() {
        Builder b = new Builder().command(command).name(name).environment(environment);
        b.waitingPattern = waitingPattern.orElse(null);
        b.promptOnStdin = promptOnStdinRequested;
        return b;
    }

    @Override
    public String name() {
        return name;
    }

    /** The command as configured, placeholders unreplaced. */
    public List<String> commandTemplate() {
        return command;
    }

    /** True when the prompt goes to standard input rather than into an argument. */
    public boolean promptOnStdin() {
        return promptOnStdin;
    }

    public Optional<Pattern> waitingPattern() {
        return waitingPattern;
    }

    /**
     * {@code command} (the template, NUL-separated), {@code promptOnStdin}, {@code waitingPattern}
     * when set, and {@code environmentNames}; never the variables' values.
     */
    @Override
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("executable", command.get(0));
        LauncherOptions.putList(s, "command", command);
        s.put("promptOnStdin", Boolean.toString(promptOnStdin));
        waitingPattern.ifPresent(p -> s.put("waitingPattern", p.pattern()));
        LauncherOptions.putEnvironmentNames(s, environment);
        return Collections.unmodifiableMap(s);
    }

    /** Its first element; a command launcher only checks that it is there, it runs nothing to ask its version. */
    @Override
    protected Optional<String> configuredExecutable() {
        return Optional.of(command.get(0));
    }

    @Override
    protected List<String> command(AgentRequest request) {
        List<String> resolved = new ArrayList<>(command.size());
        for (String argument : command) {
            resolved.add(substitute(argument, request));
        }
        return resolved;
    }

    private String substitute(String argument, AgentRequest request) {
        Matcher m = PLACEHOLDERS.matcher(argument);
        if (!m.find()) {
            return argument;
        }
        // One pass over the template, so a prompt that itself contains "{worktree}" stays as written.
        StringBuilder out = new StringBuilder();
        m.reset();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "prompt" -> promptOnStdin ? "" : promptArgument(request);
                case "session" -> request.sessionName();
                default -> request.workingDirectory().toAbsolutePath().toString();
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String promptArgument(AgentRequest request) {
        Optional<String> problem = checkPrompt(request.prompt());
        if (problem.isPresent()) {
            throw new AgentLaunchException("Cannot start agent '" + name + "' for session '" + request.sessionName() + "': "
                    + problem.get());
        }
        return request.prompt();
    }

    /**
     * Refuses a prompt that cannot travel in the {@code {prompt}} argument (too long, or not
     * encodable in the JVM's argument encoding); a launcher that reads the prompt from standard
     * input accepts every prompt.
     */
    @Override
    public Optional<String> checkPrompt(String prompt) {
        if (promptOnStdin || prompt == null) {
            return Optional.empty();
        }
        return CommandArguments.reasonItCannotBeAnArgument(prompt).map(reason -> reason
                + ", and the command of agent '" + name + "' passes the prompt in an argument ({prompt})."
                + " Shorten the prompt, or configure the launcher with promptOnStdin() (or drop {prompt})"
                + " if the command can read the prompt from standard input.");
    }

    @Override
    protected Optional<String> standardInput(AgentRequest request) {
        return promptOnStdin ? Optional.of(request.prompt()) : Optional.empty();
    }

    @Override
    protected Map<String, String> extraEnvironment(AgentRequest request) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        request.resumeSessionId().ifPresent(id -> env.put(RESUME_SESSION_VARIABLE, id));
        return env;
    }

    @Override
    protected OutputInterpreter interpreter(AgentRequest request) {
        return new CommandTextInterpreter(name, request.sessionName(), waitingPattern);
    }

    @Override
    protected String installHint() {
        return "check that '" + command.get(0) + "' is installed and on the PATH of the JVM, or configure the command with its full path";
    }

    @Override
    public String toString() {
        return "CommandLauncher[" + name + ": " + command + (promptOnStdin ? ", prompt on stdin" : "") + "]";
    }

    /** Settings for a {@link CommandLauncher}; {@link #command} is required. */
    public static final class Builder {
        private List<String> command = List.of();
        private String name = "command";
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Pattern waitingPattern;
        private boolean promptOnStdin;

        private Builder() {
        }

        /** The executable and its arguments; any argument may hold {@code {prompt}}, {@code {session}}, {@code {worktree}}. */
        public Builder command(String... command) {
            return command(Arrays.asList(Objects.requireNonNull(command, "command")));
        }

        public Builder command(List<String> command) {
            Objects.requireNonNull(command, "command");
            for (String argument : command) {
                Objects.requireNonNull(argument, "an element of command");
            }
            this.command = List.copyOf(command);
            return this;
        }

        /** The launcher's name in logs and records (default {@code "command"}). */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new ConfigurationException("a command launcher's name must not be blank: name it for logs and records,"
                        + " such as \"my-agent\"");
            }
            this.name = name;
            return this;
        }

        /** Adds a variable to the agent's environment. */
        public Builder environment(String key, String value) {
            environment.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Adds variables to the agent's environment. */
        public Builder environment(Map<String, String> variables) {
            Objects.requireNonNull(variables, "variables").forEach(this::environment);
            return this;
        }

        /**
         * A stdout line matching this (found anywhere in the line) marks a question; when it is the
         * last line the agent printed, the run ends as waiting for input.
         */
        public Builder waitingPattern(Pattern pattern) {
            this.waitingPattern = Objects.requireNonNull(pattern, "pattern");
            return this;
        }

        /** Same as {@link #waitingPattern(Pattern)} with a regular expression. */
        public Builder waitingPattern(String regex) {
            Objects.requireNonNull(regex, "regex");
            try {
                return waitingPattern(Pattern.compile(regex));
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new ConfigurationException("the command launcher's waitingPattern '" + regex + "' is not a valid regular"
                        + " expression: " + e.getDescription(), e);
            }
        }

        /** Sends the prompt on standard input even if an argument holds {@code {prompt}} (it becomes empty there). */
        public Builder promptOnStdin() {
            this.promptOnStdin = true;
            return this;
        }

        public CommandLauncher build() {
            return new CommandLauncher(this);
        }
    }
}
