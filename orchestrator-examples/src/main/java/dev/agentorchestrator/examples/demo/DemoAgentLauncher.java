package dev.agentorchestrator.examples.demo;

import dev.agentorchestrator.AgentLaunchException;
import dev.agentorchestrator.agents.ClaudeStreamJsonInterpreter;
import dev.agentorchestrator.agents.OutputInterpreter;
import dev.agentorchestrator.agents.ProcessAgentLauncher;
import dev.agentorchestrator.spi.AgentRequest;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Launches the offline {@link DemoAgent} as a real child JVM, with Claude Code's command line and
 * read with Claude Code's stream-json interpreter, so the demo goes through the same code paths as
 * the real agent.
 *
 * <pre>{@code
 * Orchestrator.builder().repo(repo).agent(new DemoAgentLauncher(Duration.ofMillis(300)))...
 * }</pre>
 */
public final class DemoAgentLauncher extends ProcessAgentLauncher {

    private final Duration step;

    /** A demo agent that pauses 400 ms between steps. */
    public DemoAgentLauncher() {
        this(Duration.ofMillis(400));
    }

    /** A demo agent that pauses {@code step} between steps. */
    public DemoAgentLauncher(Duration step) {
        this.step = step;
    }

    @Override
    public String name() {
        return "demo-agent";
    }

    @Override
    protected List<String> command(AgentRequest request) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classpath(),
                DemoAgent.class.getName(), "-p"));
        boolean longPrompt = request.prompt().length() > MAX_ARGUMENT_CHARS;
        if (!longPrompt) {
            command.add(request.prompt());
        }
        command.addAll(List.of("--output-format", "stream-json", "--verbose"));
        request.resumeSessionId().ifPresent(id -> command.addAll(List.of("--resume", id)));
        return command;
    }

    @Override
    protected Optional<String> standardInput(AgentRequest request) {
        return request.prompt().length() > MAX_ARGUMENT_CHARS ? Optional.of(request.prompt()) : Optional.empty();
    }

    /** The demo's pace is what decides how it runs; the JVM and class path are this machine's. */
    @Override
    public Map<String, String> settings() {
        return Map.of("stepMillis", Long.toString(step.toMillis()));
    }

    @Override
    protected Map<String, String> extraEnvironment(AgentRequest request) {
        return Map.of("DEMO_AGENT_STEP_MILLIS", Long.toString(step.toMillis()));
    }

    @Override
    protected OutputInterpreter interpreter(AgentRequest request) {
        return new ClaudeStreamJsonInterpreter();
    }

    /**
     * Where DemoAgent's classes and JGit's (its fallback when there is no git binary) were loaded
     * from; read from the classes themselves so it works under {@code exec:java} and in a plain JVM.
     */
    private static String classpath() {
        List<String> entries = new ArrayList<>();
        for (String type : List.of(DemoAgent.class.getName(), "org.eclipse.jgit.api.Git", "com.googlecode.javaewah.EWAHCompressedBitmap",
                "org.slf4j.LoggerFactory", "org.slf4j.simple.SimpleLogger", "org.apache.commons.codec.binary.Hex")) {
            try {
                Class<?> c = Class.forName(type, false, DemoAgentLauncher.class.getClassLoader());
                String entry = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
                if (!entries.contains(entry)) {
                    entries.add(entry);
                }
            } catch (ClassNotFoundException | URISyntaxException | NullPointerException e) {
                if (type.equals(DemoAgent.class.getName())) {
                    throw new AgentLaunchException("cannot find where the demo agent's classes are: " + e);
                }
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }
}
