package dev.agentorchestrator.agents;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings the Codex, Gemini and Aider launchers share: the executable, the model, further
 * arguments and environment variables. Each launcher's public builder holds a {@link Builder} and
 * passes these settings on to it, so their checks and the copy that {@code newBuilder()} makes
 * live here once. Where each option goes on the command line stays with the launcher.
 *
 * <p>Claude Code's launcher is not built on this: its options replace rather than add, accept
 * {@code null} to unset and refuse {@code "--"}, and that public behaviour is its own.
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
            if (executable == null || executable.isBlank()) {
                throw new IllegalArgumentException("the " + program + " executable must not be blank");
            }
            this.executable = executable;
            return this;
        }

        Builder model(String model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** Adds to the arguments given before. */
        Builder extraArgs(List<String> args) {
            args.forEach(a -> extraArgs.add(Objects.requireNonNull(a, "an extra argument is null")));
            return this;
        }

        Builder environment(String key, String value) {
            environment.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        LauncherOptions build() {
            return new LauncherOptions(this);
        }
    }
}
