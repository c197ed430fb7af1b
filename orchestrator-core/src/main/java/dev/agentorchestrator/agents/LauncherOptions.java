package dev.agentorchestrator.agents;

import dev.agentorchestrator.ConfigurationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The settings the Codex, Gemini and Aider launchers share: the executable, the model, further
 * arguments and environment variables. Each launcher's public builder holds a {@link Builder} and
 * passes these settings on to it, so their checks and the copy that {@code newBuilder()} makes
 * live here once. Where each option goes on the command line stays with the launcher.
 *
 * <p>The null policy of every launcher builder: a {@code null} argument is a programming error and
 * throws {@link NullPointerException} naming the parameter; a value that cannot work (a blank
 * executable) throws {@link ConfigurationException}; an optional setting goes back to the CLI's
 * default through its {@code clear...} method.
 */
final class LauncherOptions {
    private final String program;
    private final String executable;
    private final Optional<String> model;
    private final List<String> extraArgs;
    private final Map<String, String> environment;

    private LauncherOptions(Builder b) {
        this.program = b.program;
        this.executable = b.executable;
        this.model = Optional.ofNullable(b.model);
        this.extraArgs = List.copyOf(b.extraArgs);
        this.environment = Map.copyOf(b.environment);
    }

    /** A name looked up on the PATH or a full path. */
    String executable() {
        return executable;
    }

    /** Empty for the agent's own default. */
    Optional<String> model() {
        return model;
    }

    List<String> extraArgs() {
        return extraArgs;
    }

    Map<String, String> environment() {
        return environment;
    }

    /**
     * The shared part of a launcher's {@code settings()}: {@code executable}, {@code model} when
     * set, {@code extraArgs} when any, and the names (never the values) of the environment variables.
     */
    Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("executable", executable);
        model.ifPresent(m -> s.put("model", m));
        putList(s, "extraArgs", extraArgs);
        putEnvironmentNames(s, environment);
        return s;
    }

    /**
     * Puts a list setting, its elements separated by NUL (which no argument can contain, so the
     * list can be split again unambiguously); nothing when the list is empty.
     */
    static void putList(Map<String, String> settings, String key, List<String> values) {
        if (!values.isEmpty()) {
            settings.put(key, String.join("\0", values));
        }
    }

    /**
     * Puts the sorted names of the configured variables under {@code environmentNames}: a changed
     * set shows, while the values (often API keys) are never written anywhere.
     */
    static void putEnvironmentNames(Map<String, String> settings, Map<String, String> environment) {
        if (!environment.isEmpty()) {
            settings.put("environmentNames", String.join(",", new TreeSet<>(environment.keySet())));
        }
    }

    /** A builder holding these settings, to derive a changed copy. */
    Builder newBuilder() {
        Builder b = new Builder(program).executable(executable).extraArgs(extraArgs);
        b.model = model.orElse(null);
        b.environment.putAll(environment);
        return b;
    }

    /** Collects the shared settings; not thread-safe. */
    static final class Builder {
        private final String program;
        private String executable;
        private String model;
        private final List<String> extraArgs = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();

        /**
         * The defaults: {@code program} (such as {@code codex}) looked up on the PATH, which is also
         * how messages name the executable; no model, no extra arguments, no variables.
         */
        Builder(String program) {
            this.program = program;
            this.executable = program;
        }

        Builder executable(String executable) {
            this.executable = requireText(executable, "executable", "name it, such as \"" + program + "\", or give its full path");
            return this;
        }

        Builder model(String model) {
            this.model = requireText(model, "model", "name a model, or call clearModel() for the CLI's default");
            return this;
        }

        Builder clearModel() {
            this.model = null;
            return this;
        }

        /** Adds to the arguments given before. */
        Builder extraArgs(List<String> args) {
            Objects.requireNonNull(args, "args");
            args.forEach(a -> extraArgs.add(Objects.requireNonNull(a, "an element of args")));
            return this;
        }

        Builder environment(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (key.isEmpty() || key.contains("=") || key.contains("\0")) {
                throw new ConfigurationException("the " + program + " launcher's environment variable name '" + key
                        + "' is not valid: a name must be non-empty and hold no '=' or NUL");
            }
            environment.put(key, value);
            return this;
        }

        LauncherOptions build() {
            return new LauncherOptions(this);
        }

        private String requireText(String value, String what, String fix) {
            Objects.requireNonNull(value, what);
            if (value.isBlank()) {
                throw new ConfigurationException("the " + program + " launcher's " + what + " must not be blank: " + fix);
            }
            return value;
        }
    }
}
