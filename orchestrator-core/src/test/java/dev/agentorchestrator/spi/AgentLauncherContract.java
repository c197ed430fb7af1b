package dev.agentorchestrator.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.AgentLaunchException;
import dev.agentorchestrator.spi.AgentExit.Outcome;
import dev.agentorchestrator.spi.AgentListener.OutputStream;
import dev.agentorchestrator.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link AgentLauncher} that runs a local CLI must do, checked against a stand-in for
 * that CLI: a bash script (the test resource {@code agents/stand-in.sh}) under the CLI's name that
 * records how it was started, prints the output it is given in the launcher's documented format,
 * and can hang with a child of its own. A launcher's test class extends this:
 *
 * <pre>{@code
 * class CodexLauncherContractTest extends AgentLauncherContract {
 *     protected String executableName() { return "codex"; }
 *     protected AgentLauncher launcher(Path executable) { return CodexLauncher.builder().executable(executable.toString()).build(); }
 *     protected List<String> doneOutput() { return lines("/agents/codex/success.jsonl"); }
 *     protected byte[] receivedPrompt(List<byte[]> args, byte[] stdin) { return args.get(args.size() - 1); }
 * }
 * }</pre>
 *
 * <p>Processes are "gone" when the system has no live process with their pid; every wait polls
 * with a timeout.
 */
public abstract class AgentLauncherContract {

    /** How long any one wait may take before the test fails. */
    protected static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * A prompt a shell would mangle; it must arrive byte for byte. A NUL cannot be in an argument,
     * so it is left out.
     */
    protected static final String TRICKY_PROMPT = "Fix \"quoted\" and 'single' $(touch /tmp/pwned) `uname -a` $HOME ${PATH}"
            + " \\ back\\slash; | & > /dev/null * ?\nsecond line\n\ttabbed -- --flag=x\nnon-ASCII: héllo wörld ✓ 日本語 🚀\n";

    @TempDir
    protected Path temp;

    /** The worktree folder runs happen in. */
    protected Path workspace;

    /** The stand-in's folder: its control files and what it recorded. */
    protected Path standIn;

    /** The stand-in executable, named {@link #executableName()}. */
    protected Path executable;

    /** The CLI's file name, such as {@code claude}. */
    protected abstract String executableName();

    /** The launcher under test, configured to run {@code executable} (a full path). */
    protected abstract AgentLauncher launcher(Path executable);

    /** Lines in the launcher's documented output format that make a run {@link Outcome#DONE}. */
    protected abstract List<String> doneOutput();

    /**
     * The prompt as the agent received it: from its arguments (raw bytes, without its own name)
     * or its standard input, wherever this launcher puts it.
     */
    protected abstract byte[] receivedPrompt(List<byte[]> arguments, byte[] standardInput);

    @BeforeEach
    void makeWorkspaceAndStandIn() throws IOException {
        workspace = Files.createDirectories(temp.resolve("worktree"));
        standIn = Files.createDirectories(temp.resolve("stand-in"));
        executable = standIn.resolve(executableName());
        try (InputStream script = AgentLauncherContract.class.getResourceAsStream("/agents/stand-in.sh")) {
            Files.write(executable, script.readAllBytes());
        }
        Files.setPosixFilePermissions(executable, PosixFilePermissions.fromString("rwxr-xr-x"));
        write("stdout.txt", String.join("\n", doneOutput()) + "\n");
    }

    @Test
    void launchesInTheWorkspaceFolderAndEndsDone() throws IOException {
        AgentExit exit = runToEnd(launcher(executable), "Fix the bug", new Recorder());

        assertEquals(Outcome.DONE, exit.outcome(), exit.message());
        assertEquals(workspace.toRealPath(), Path.of(read("cwd").strip()).toRealPath());
    }

    @Test
    void aMissingWorkspaceFolderIsRefusedNamingIt() {
        Path missing = temp.resolve("removed-by-hand");
        AgentLaunchException e = assertThrows(AgentLaunchException.class, () -> launcher(executable)
                .launch(AgentRequest.of("feature-x", new Workspace(missing, "feature/x"), "go", AgentListener.ignoring())));

        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("Remove the session and add it again"), e.getMessage());
        assertFalse(Files.exists(standIn.resolve("argv")), "nothing ran");
    }

    @Test
    void aMissingExecutableIsRefusedNamingItWithAFix() {
        Path missing = temp.resolve("not-installed").resolve(executableName());
        AgentLaunchException e = assertThrows(AgentLaunchException.class, () -> launcher(missing)
                .launch(AgentRequest.of("feature-x", Workspace.of(workspace), "go", AgentListener.ignoring())));

        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
        assertTrue(e.getMessage().contains("full path"), "the message says how to configure the executable: " + e.getMessage());
    }

    @Test
    void availabilityIsUsableWithTheExecutableAndUnusableWithoutIt() {
        Availability there = launcher(executable).availability();
        assertTrue(there.usable(), there.detail());
        assertTrue(there.detail().contains(executable.toString()), there.detail());

        Path missing = temp.resolve("not-installed").resolve(executableName());
        Availability absent = launcher(missing).availability();
        assertFalse(absent.usable(), absent.detail());
        assertTrue(absent.detail().contains(missing.toString()), absent.detail());
        assertFalse(Files.exists(standIn.resolve("argv")), "asking for availability records no run");
    }

    @Test
    void settingsAreAnImmutableMapWithoutNulls() {
        var settings = launcher(executable).settings();
        assertNotNull(settings);
        settings.forEach((key, value) -> {
            assertNotNull(key);
            assertNotNull(value, key);
        });
        assertThrows(UnsupportedOperationException.class, () -> settings.put("x", "y"));
    }

    @Test
    void aPromptThatAShellWouldMangleArrivesByteForByte() {
        assumeTrue("UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding", "UTF-8")),
                "non-ASCII arguments need a UTF-8 locale (the JVM's sun.jnu.encoding)");
        AgentExit exit = runToEnd(launcher(executable), TRICKY_PROMPT, new Recorder());

        assertEquals(Outcome.DONE, exit.outcome(), exit.message());
        assertArrayEquals(TRICKY_PROMPT.getBytes(StandardCharsets.UTF_8), receivedPrompt(arguments(), bytes("stdin")));
    }

    @Test
    void outputLinesReachTheListenerInOrder() {
        List<String> printed = new ArrayList<>(doneOutput());
        write("stderr.txt", "warning one\nwarning two\n");
        Recorder recorder = new Recorder();
        runToEnd(launcher(executable), "go", recorder);

        assertEquals(printed, recorder.lines(OutputStream.STDOUT));
        assertEquals(List.of("warning one", "warning two"), recorder.lines(OutputStream.STDERR));
        assertFalse(recorder.events.isEmpty(), "the output was read into events");
    }

    @Test
    void theExitCompletesEvenWhenTheListenerThrows() {
        AgentListener throwing = new AgentListener() {
            @Override
            public void onEvent(AgentEvent event) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void onOutput(OutputStream stream, String line) {
                throw new IllegalStateException("listener bug");
            }
        };
        AgentExit exit = runToEnd(launcher(executable), "go", throwing);
        assertEquals(Outcome.DONE, exit.outcome(), exit.message());
    }

    @Test
    void stopEndsTheWholeTreeAsStoppedAndIsSafeTwice() throws Exception {
        AgentProcess process = launchHanging(launcher(executable));
        long agent = pid("pid");
        long child = pid("child");
        assertTrue(alive(agent) && alive(child), "the agent and its child run before the stop");

        process.stop(Duration.ofSeconds(2));

        AgentExit exit = process.exit().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(Outcome.STOPPED, exit.outcome(), exit.message());
        Await.until("the agent (pid " + agent + ") and its child (pid " + child + ") to be gone", TIMEOUT,
                () -> !alive(agent) && !alive(child));
        process.stop(Duration.ofSeconds(2));
        assertEquals(exit, process.exit().getNow(null), "a second stop changes nothing");
        assertFalse(process.isAlive());
    }

    @Test
    void theHandleIsRunningWhileTheAgentRunsAndNotAfter() throws Exception {
        AgentLauncher launcher = launcher(executable);
        AgentProcess process = launchHanging(launcher);
        String handle = process.handle();
        try {
            assertFalse(handle.isBlank());
            assertTrue(launcher.isRunning(handle), handle);
            assertTrue(launcher(executable).isRunning(handle), "another instance of the launcher finds it too");
        } finally {
            process.stop(Duration.ofSeconds(2));
        }
        process.exit().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertFalse(launcher.isRunning(handle), handle);
        assertFalse(launcher.end(handle, Duration.ofSeconds(1)), "ending what has ended reports false");
    }

    @Test
    void endFromAFreshLauncherEndsARunningAgentAndItsChildren() throws Exception {
        AgentProcess process = launchHanging(launcher(executable));
        long child = pid("child");
        String stored = process.handle();

        AgentLauncher afterRestart = launcher(executable);
        assertTrue(afterRestart.end(stored, Duration.ofSeconds(2)), "it was running");

        AgentExit exit = process.exit().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(exit);
        Await.until("the agent's child (pid " + child + ") to be gone", TIMEOUT, () -> !alive(child));
        assertFalse(afterRestart.isRunning(stored));
    }

    @Test
    void handlesItDoesNotKnowAreNotRunning() {
        AgentLauncher launcher = launcher(executable);
        for (String foreign : List.of("", "pod:default/agent-1", "local:", "local:x:y", "local:1", "local:-5:0")) {
            assertFalse(launcher.isRunning(foreign), foreign);
            assertFalse(launcher.end(foreign, Duration.ZERO), foreign);
        }
        long self = ProcessHandle.current().pid();
        assertFalse(launcher.isRunning("local:" + self + ":0"), "a live pid that started at another time is not the agent");
    }

    // --- helpers -------------------------------------------------------------------------------

    /** The lines of a test resource, such as {@code /agents/codex/success.jsonl}. */
    protected static List<String> lines(String resource) {
        try (InputStream in = AgentLauncherContract.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private AgentExit runToEnd(AgentLauncher launcher, String prompt, AgentListener listener) {
        AgentProcess process = launcher.launch(AgentRequest.of("feature-x", new Workspace(workspace, "feature/x"), prompt, listener));
        try {
            return process.exit().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            process.stop(Duration.ZERO);
            throw new AssertionError("the agent did not end within " + TIMEOUT, e);
        }
    }

    private AgentProcess launchHanging(AgentLauncher launcher) {
        write("hang", "");
        AgentProcess process = launcher.launch(AgentRequest.of("feature-x", Workspace.of(workspace), "work forever", new Recorder()));
        Await.until("the stand-in's child to start", TIMEOUT, () -> Files.exists(standIn.resolve("child")));
        return process;
    }

    private long pid(String file) {
        return Long.parseLong(read(file).strip());
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private List<byte[]> arguments() {
        byte[] raw = bytes("argv");
        List<byte[]> args = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                args.add(Arrays.copyOfRange(raw, start, i));
                start = i + 1;
            }
        }
        return args;
    }

    private void write(String file, String content) {
        try {
            Files.writeString(standIn.resolve(file), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String read(String file) {
        return new String(bytes(file), StandardCharsets.UTF_8);
    }

    private byte[] bytes(String file) {
        try {
            return Files.readAllBytes(standIn.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException("the stand-in did not write '" + file + "'; did it run?", e);
        }
    }

    /** Collects what a run reports. */
    private static final class Recorder implements AgentListener {
        final List<AgentEvent> events = new CopyOnWriteArrayList<>();
        final List<String> output = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(AgentEvent event) {
            events.add(event);
        }

        @Override
        public void onOutput(OutputStream stream, String line) {
            output.add(stream + "\0" + line);
        }

        List<String> lines(OutputStream stream) {
            return output.stream().filter(l -> l.startsWith(stream + "\0")).map(l -> l.substring(l.indexOf('\0') + 1)).toList();
        }
    }
}
