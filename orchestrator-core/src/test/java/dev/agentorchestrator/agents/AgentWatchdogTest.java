package dev.agentorchestrator.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentorchestrator.internal.process.AgentWatchdog;
import dev.agentorchestrator.internal.process.AgentWatchdog.SessionTool;
import dev.agentorchestrator.internal.process.Executables;
import dev.agentorchestrator.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Agents do not outlive their host: a child JVM launches an agent that starts a child of its own,
 * the test SIGKILLs that JVM, and the watchdog must end the agent and (with a session of its own)
 * the agent's child too.
 */
class AgentWatchdogTest {
    private static final Duration HOST_START = Duration.ofSeconds(60);
    private static final Duration GONE = Duration.ofSeconds(30);

    @TempDir
    Path folder;

    private final List<Long> leftovers = new ArrayList<>();
    private Process host;

    @AfterEach
    void killWhatIsLeft() {
        if (host != null) {
            host.destroyForcibly();
        }
        leftovers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    @ParameterizedTest(name = "session by {0}")
    @ValueSource(strings = {"setsid", "perl"})
    void theAgentAndItsChildEndWhenTheHostIsKilled(String tool) throws Exception {
        assumeTrue(Executables.onHostPath(tool).isPresent(), tool + " is not installed here");
        long[] pids = startHostAndAgent(tool);
        long agent = pids[0];
        long child = pids[1];

        killHost();

        Await.until("the orphaned agent (pid " + agent + ") and its child (pid " + child + ") to be ended by the watchdog",
                GONE, () -> !alive(agent) && !alive(child));
    }

    @Test
    void withoutASessionOfItsOwnTheWatchdogStillEndsTheAgent() throws Exception {
        long[] pids = startHostAndAgent("none");

        killHost();

        Await.until("the orphaned agent (pid " + pids[0] + ") to be ended by the watchdog", GONE, () -> !alive(pids[0]));
    }

    @Test
    void theSessionToolFollowsTheSystemProperty() {
        String saved = System.getProperty(AgentWatchdog.SESSION_PROPERTY);
        try {
            System.setProperty(AgentWatchdog.SESSION_PROPERTY, "none");
            assertEquals(SessionTool.NONE, AgentWatchdog.sessionTool());
            System.setProperty(AgentWatchdog.SESSION_PROPERTY, "setsid");
            assertEquals(Executables.onHostPath("setsid").isPresent() ? SessionTool.SETSID : SessionTool.NONE, AgentWatchdog.sessionTool());
        } finally {
            if (saved == null) {
                System.clearProperty(AgentWatchdog.SESSION_PROPERTY);
            } else {
                System.setProperty(AgentWatchdog.SESSION_PROPERTY, saved);
            }
        }
    }

    /** Starts the host JVM and waits until its agent and the agent's child run; returns their pids. */
    private long[] startHostAndAgent(String tool) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path output = folder.resolve("host.out");
        host = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classPath, OrphanHostMain.class.getName(),
                folder.toString(), tool).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        Await.until("the host JVM to launch its agent (its output: " + output + ")", HOST_START,
                () -> Files.exists(folder.resolve("agent")) && Files.exists(folder.resolve("child")) || !host.isAlive());
        assertTrue(host.isAlive(), () -> "the host JVM ended early: " + read(output));
        long agent = Long.parseLong(read(folder.resolve("agent")).strip());
        long child = Long.parseLong(read(folder.resolve("child")).strip());
        leftovers.add(agent);
        leftovers.add(child);
        assertTrue(alive(agent) && alive(child), "the agent and its child run");
        return new long[] {agent, child};
    }

    private void killHost() throws InterruptedException {
        host.destroyForcibly();
        assertTrue(host.waitFor(GONE.toMillis(), TimeUnit.MILLISECONDS), "the host JVM ended after SIGKILL");
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
