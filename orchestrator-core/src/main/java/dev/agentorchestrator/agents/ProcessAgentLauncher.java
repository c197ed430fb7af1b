package dev.agentorchestrator.agents;

import dev.agentorchestrator.AgentLaunchException;
import dev.agentorchestrator.spi.AgentLauncher;
import dev.agentorchestrator.spi.AgentProcess;
import dev.agentorchestrator.spi.AgentRequest;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Base for launchers that run the agent as a child process: it starts the command (never through
 * a shell), hands the prompt over as an argument or on standard input, reads both output streams
 * line by line into an {@link OutputInterpreter}, and stops the whole process tree.
 *
 * <p>A subclass says which command to run and how to read its output:
 *
 * <pre>{@code
 * class MyAgent extends ProcessAgentLauncher {
 *     public String name() { return "my-agent"; }
 *     protected List<String> command(AgentRequest r) { return List.of("my-agent", "--task", r.prompt()); }
 *     protected OutputInterpreter interpreter(AgentRequest r) { return new PlainTextInterpreter(); }
 * }
 * }</pre>
 */
public abstract class ProcessAgentLauncher implements AgentLauncher {

    /**
     * Linux refuses a single argument longer than 128 KiB (MAX_ARG_STRLEN); prompts longer than
     * this many characters should go to standard input instead.
     */
    public static final int MAX_ARGUMENT_CHARS = 100_000;

    private static final String LOCAL_HANDLE = "local:";

    /** The command line to run, the executable first. */
    protected abstract List<String> command(AgentRequest request);

    /** A fresh interpreter for one run. */
    protected abstract OutputInterpreter interpreter(AgentRequest request);

    /**
     * What to write to the agent's standard input before closing it; {@code null} (the default)
     * closes it at once. Launchers that pass the prompt on standard input return it here.
     */
    protected String standardInput(AgentRequest request) {
        return null;
    }

    /** Variables to set for the agent, on top of the host's environment and the request's. */
    protected Map<String, String> extraEnvironment(AgentRequest request) {
        return Map.of();
    }

    /** A hint appended to the error when the executable cannot be found. */
    protected String installHint() {
        return "install it, or configure the launcher with the full path of its executable";
    }

    @Override
    public AgentProcess launch(AgentRequest request) {
        if (!Files.isDirectory(request.workingDirectory())) {
            throw new AgentLaunchException("Cannot start agent '" + name() + "' for session '" + request.sessionName()
                    + "': working directory " + request.workingDirectory() + " does not exist."
                    + " Was the worktree removed by hand? Remove the session and add it again.");
        }
        List<String> command = List.copyOf(command(request));
        ProcessBuilder builder = new ProcessBuilder(command).directory(request.workingDirectory().toFile());
        Map<String, String> env = new HashMap<>(request.environment());
        env.putAll(extraEnvironment(request));
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AgentLaunchException("Cannot start agent '" + name() + "' for session '" + request.sessionName()
                    + "': running '" + command.get(0) + "' failed (" + e.getMessage() + "); " + installHint() + ".", e);
        }
        return ChildAgentProcess.start(name(), process, standardInput(request), interpreter(request), request.listener());
    }

    /** True while the local process tree that {@code handle} names runs (a reused pid is not mistaken for it). */
    @Override
    public boolean isRunning(String handle) {
        return findLocal(handle).isPresent();
    }

    @Override
    public boolean end(String handle, Duration grace) {
        Optional<ProcessHandle> process = findLocal(handle);
        process.ifPresent(p -> ProcessTrees.terminate(p, grace));
        return process.isPresent();
    }

    /** {@code local:<pid>:<start epoch millis>}: the pid and its start time, so a reused pid is told apart. */
    static String localHandle(ProcessHandle process) {
        return LOCAL_HANDLE + process.pid() + ":" + process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    private static Optional<ProcessHandle> findLocal(String handle) {
        if (handle == null || !handle.startsWith(LOCAL_HANDLE)) {
            return Optional.empty();
        }
        String[] parts = handle.substring(LOCAL_HANDLE.length()).split(":");
        try {
            long pid = Long.parseLong(parts[0]);
            long started = parts.length > 1 ? Long.parseLong(parts[1]) : 0;
            return ProcessTrees.find(pid, started == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(started)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
