package dev.agentorchestrator.agents;

import dev.agentorchestrator.AgentLaunchException;
import dev.agentorchestrator.internal.process.AgentWatchdog;
import dev.agentorchestrator.internal.process.CommandRunner;
import dev.agentorchestrator.internal.process.Executables;
import dev.agentorchestrator.internal.process.ProcessTrees;
import dev.agentorchestrator.spi.AgentLauncher;
import dev.agentorchestrator.spi.AgentProcess;
import dev.agentorchestrator.spi.AgentRequest;
import dev.agentorchestrator.spi.Availability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Base for launchers that run the agent as a local child process: it starts the command (never
 * through a shell of the agent's), hands the prompt over as an argument or on standard input,
 * reads both output streams line by line into an {@link OutputInterpreter}, and stops the whole
 * process tree.
 *
 * <p>A subclass says which command to run and how to read its output:
 *
 * <pre>{@code
 * class MyAgent extends ProcessAgentLauncher {
 *     public String name() { return "my-agent"; }
 *     protected Optional<String> configuredExecutable() { return Optional.of("my-agent"); }
 *     protected List<String> command(AgentRequest r) { return List.of("my-agent", "--task", r.prompt()); }
 *     protected OutputInterpreter interpreter(AgentRequest r) { return new MyAgentOutput(); }
 * }
 * }</pre>
 *
 * <p>What it adds for every subclass:
 * <ul>
 *   <li>The executable is looked up (the PATH the agent would see, or the path given) before
 *       anything starts, so a missing one is an {@link AgentLaunchException} naming it.</li>
 *   <li>Handles are {@code local:<pid>:<start-epoch-millis>}; {@link #isRunning(String)} and
 *       {@link #end(String, Duration)} work on them from any instance and any process, and never
 *       take a process that merely reuses the pid for the agent.</li>
 *   <li>The agent inherits only an allow-list of the host's environment ({@link AgentEnvironment}:
 *       PATH, HOME, locale, proxies, the agents' own API keys...; extend it with the system property
 *       {@value AgentEnvironment#INHERIT_PROPERTY}), and the values of its secret variables are
 *       replaced in every line it prints before anyone (listener, transcript, log) sees it.</li>
 *   <li>The agent runs in a process group of its own with a watchdog that ends the group when
 *       this JVM dies, even by SIGKILL (docs/agents.md says how, and what is
 *       guaranteed where).</li>
 * </ul>
 */
public abstract class ProcessAgentLauncher implements AgentLauncher {

    /**
     * Linux refuses a single argument longer than 128 KiB (MAX_ARG_STRLEN); prompts longer than
     * this many characters should go to standard input instead.
     */
    public static final int MAX_ARGUMENT_CHARS = 100_000;

    /** How long {@link #availability()} lets {@code --version} take. */
    public static final Duration VERSION_TIMEOUT = Duration.ofSeconds(10);

    /** How long the watchdog lets an orphaned agent end by itself after SIGTERM before it kills it. */
    static final Duration ORPHAN_GRACE = Duration.ofSeconds(2);

    /** The command line to run, the executable first. */
    protected abstract List<String> command(AgentRequest request);

    /** A fresh interpreter for one run. */
    protected abstract OutputInterpreter interpreter(AgentRequest request);

    /**
     * The executable this launcher runs, as configured (a name looked up on the PATH, or a path),
     * for {@link #availability()}; empty (the default) when it cannot say without a request, and
     * then the launcher counts as usable.
     */
    protected Optional<String> configuredExecutable() {
        return Optional.empty();
    }

    /**
     * The arguments that make the executable print its version, such as {@code --version}, which
     * {@link #availability()} runs with a {@link #VERSION_TIMEOUT time limit}; empty (the default)
     * to only check that the executable is there.
     */
    protected List<String> versionArguments() {
        return List.of();
    }

    /**
     * What to write to the agent's standard input before closing it; empty (the default) closes
     * it at once. Launchers that pass the prompt on standard input return it here.
     */
    protected Optional<String> standardInput(AgentRequest request) {
        return Optional.empty();
    }

    /**
     * Variables to set for the agent, on top of the request's and of the host's variables that
     * {@link AgentEnvironment} lets an agent inherit.
     */
    protected Map<String, String> extraEnvironment(AgentRequest request) {
        return Map.of();
    }

    /** A hint appended to the error when the executable cannot be found. */
    protected String installHint() {
        return "install it, or configure the launcher with the full path of its executable";
    }

    /**
     * Usable when {@link #configuredExecutable()} is found on this JVM's PATH (or at its path) and, when
     * {@link #versionArguments()} are given, running them exits with 0 within
     * {@link #VERSION_TIMEOUT}; the detail then quotes the first line the CLI printed.
     */
    @Override
    public Availability availability() {
        Optional<String> configured = configuredExecutable();
        if (configured.isEmpty()) {
            return Availability.usable(name());
        }
        String exe = configured.get();
        Optional<Path> found = Executables.onHostPath(exe);
        if (found.isEmpty()) {
            return Availability.unusable(name() + ": '" + exe + "' was not found" + (exe.contains("/") ? "" : " on the PATH")
                    + "; " + installHint());
        }
        List<String> version = versionArguments();
        if (version.isEmpty()) {
            return Availability.usable(name() + " at " + found.get());
        }
        List<String> probe = new ArrayList<>();
        probe.add(found.get().toString());
        probe.addAll(version);
        List<String> output = new ArrayList<>();
        CommandRunner.Outcome outcome = CommandRunner.run(probe, Path.of(System.getProperty("java.io.tmpdir")), Map.of(),
                VERSION_TIMEOUT, line -> {
                    synchronized (output) {
                        if (!line.isBlank() && output.size() < 5) {
                            output.add(line.strip());
                        }
                    }
                });
        String said;
        synchronized (output) {
            said = String.join(" | ", output);
        }
        String command = found.get() + " " + String.join(" ", version);
        if (!outcome.startError().isEmpty()) {
            return Availability.unusable(name() + ": " + outcome.startError() + "; " + installHint());
        }
        if (outcome.timedOut()) {
            return Availability.unusable(name() + ": '" + command + "' did not answer within " + VERSION_TIMEOUT.toSeconds()
                    + " s; check that it runs from a terminal, or configure its full path");
        }
        if (outcome.exitCode() != 0) {
            return Availability.unusable(name() + ": '" + command + "' exited with code " + outcome.exitCode()
                    + (said.isEmpty() ? "" : ": " + said) + "; check that it runs from a terminal, or reinstall it");
        }
        int firstBreak = said.indexOf(" | ");
        String firstLine = firstBreak < 0 ? said : said.substring(0, firstBreak);
        return Availability.usable(name() + " " + (firstLine.isEmpty() ? "(no version printed)" : firstLine) + " at " + found.get());
    }

    @Override
    public AgentProcess launch(AgentRequest request) {
        Path directory = request.workingDirectory();
        if (!Files.isDirectory(directory)) {
            throw new AgentLaunchException("Cannot start agent '" + name() + "' for session '" + request.sessionName()
                    + "': its working directory " + directory + " does not exist."
                    + " Was the worktree removed by hand? Remove the session and add it again.");
        }
        List<String> command = List.copyOf(command(request));
        Map<String, String> env = new HashMap<>(request.environment());
        env.putAll(extraEnvironment(request));
        ProcessBuilder builder = new ProcessBuilder().directory(directory.toFile());
        // Only the allowed part of the host's environment (AgentEnvironment), then what was set explicitly.
        builder.environment().clear();
        builder.environment().putAll(AgentEnvironment.inherited(System.getenv()));
        builder.environment().putAll(env);
        String executable = command.get(0);
        Path resolved = Executables.resolve(executable, directory, builder.environment().get("PATH"))
                .orElseThrow(() -> new AgentLaunchException("Cannot start agent '" + name() + "' for session '"
                        + request.sessionName() + "': the executable '" + executable + "' was not found"
                        + (executable.contains("/") ? "" : " on the PATH") + "; " + installHint() + "."));
        List<String> runnable = new ArrayList<>(command);
        runnable.set(0, resolved.toString());
        // Both are asked before the process starts, so a subclass that throws leaves nothing running.
        OutputInterpreter interpreter = interpreter(request);
        Optional<String> stdin = standardInput(request);
        builder.command(AgentWatchdog.wrap(runnable, ORPHAN_GRACE));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AgentLaunchException("Cannot start agent '" + name() + "' for session '" + request.sessionName()
                    + "': running '" + executable + "' failed (" + e.getMessage() + "); " + installHint() + ".", e);
        }
        String handle = LocalAgentHandle.of(process).toString();
        return ChildAgentProcess.start(name(), handle, process, stdin, interpreter, request.listener(),
                AgentEnvironment.redactor(builder.environment()));
    }

    /** True while the local process the handle names runs (and started when the handle says). */
    @Override
    public boolean isRunning(String handle) {
        return LocalAgentHandle.parse(handle).flatMap(LocalAgentHandle::find).isPresent();
    }

    /** Ends the local process the handle names and its descendants: SIGTERM, {@code grace}, SIGKILL. */
    @Override
    public boolean end(String handle, Duration grace) {
        Optional<ProcessHandle> running = LocalAgentHandle.parse(handle).flatMap(LocalAgentHandle::find);
        running.ifPresent(p -> ProcessTrees.terminate(p, grace));
        return running.isPresent();
    }
}
