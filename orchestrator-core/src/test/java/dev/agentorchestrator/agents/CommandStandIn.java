package dev.agentorchestrator.agents;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.spi.AgentExit;
import dev.agentorchestrator.spi.AgentLauncher;
import dev.agentorchestrator.spi.AgentListener;
import dev.agentorchestrator.spi.AgentProcess;
import dev.agentorchestrator.spi.AgentRequest;
import dev.agentorchestrator.spi.Workspace;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for an agent's CLI in launcher tests: {@code agents/stand-in.sh} copied into its own
 * folder under the agent's name, with the canned output it should print. After a run the test
 * reads back exactly how it was started (arguments byte for byte, standard input, folder,
 * environment).
 */
final class CommandStandIn {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * Prompts that a shell would mangle; each must arrive byte for byte. A NUL cannot be in an
     * argument, so it is left out.
     */
    static final String TRICKY_PROMPT = "Fix \"quoted\" and 'single' $(touch /tmp/pwned) `uname -a` $HOME ${PATH} \\ back\\slash;"
            + " | & > /dev/null * ?\nsecond line\n\ttabbed -- --flag=x\nnon-ASCII: héllo wörld ✓ 日本語 🚀\n";

    final Path dir;
    final Path executable;

    private CommandStandIn(Path dir, Path executable) {
        this.dir = dir;
        this.executable = executable;
    }

    /** A stand-in named {@code agentName} in a new folder under {@code root}. */
    static CommandStandIn create(Path root, String agentName) {
        try {
            Path dir = Files.createDirectories(root.resolve("stand-in-" + agentName));
            Path exe = dir.resolve(agentName);
            try (InputStream script = CommandStandIn.class.getResourceAsStream("/agents/stand-in.sh")) {
                Files.write(exe, script.readAllBytes());
            }
            Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
            return new CommandStandIn(dir, exe);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prints the sample output kept under {@code src/test/resources/agents/}. */
    CommandStandIn printingResource(String resource) {
        try (InputStream in = CommandStandIn.class.getResourceAsStream("/agents/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource agents/" + resource);
            }
            Files.write(dir.resolve("stdout.txt"), in.readAllBytes());
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    CommandStandIn printing(String... lines) {
        return write("stdout.txt", String.join("\n", lines) + "\n");
    }

    CommandStandIn printingOnStderr(String... lines) {
        return write("stderr.txt", String.join("\n", lines) + "\n");
    }

    CommandStandIn exitingWith(int code) {
        return write("exit-code", Integer.toString(code));
    }

    /** Starts a {@code sleep 1000} child and waits for it, so only a stop ends the run. */
    CommandStandIn hanging() {
        return write("hang", "");
    }

    private CommandStandIn write(String file, String content) {
        try {
            Files.writeString(dir.resolve(file), content, StandardCharsets.UTF_8);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String path() {
        return executable.toString();
    }

    /** The arguments it was started with, without its own name, decoded as UTF-8. */
    List<String> argv() {
        byte[] raw = read("argv");
        List<String> args = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                args.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return args;
    }

    /** The raw bytes of argument {@code index} (0 is the first after its name). */
    byte[] argumentBytes(int index) {
        byte[] raw = read("argv");
        int start = 0;
        int seen = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                if (seen++ == index) {
                    return Arrays.copyOfRange(raw, start, i);
                }
                start = i + 1;
            }
        }
        throw new AssertionError("the stand-in got only " + seen + " arguments, not " + (index + 1));
    }

    byte[] stdin() {
        return read("stdin");
    }

    Path workingDirectory() {
        return Path.of(new String(read("cwd"), StandardCharsets.UTF_8).strip());
    }

    Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        for (String entry : new String(read("env"), StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    /** The pid of the {@code sleep} child of a {@link #hanging()} stand-in, once it has started. */
    long awaitChildPid() {
        Path child = dir.resolve("child");
        Await.until("the stand-in's sleep child to start", TIMEOUT, () -> Files.exists(child));
        return Long.parseLong(new String(read("child"), StandardCharsets.UTF_8).strip());
    }

    private byte[] read(String file) {
        try {
            return Files.readAllBytes(dir.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException("the stand-in did not write '" + file + "'; did it run?", e);
        }
    }

    /** Collects what a run reports. */
    static final class Recorder implements AgentListener {
        final List<AgentEvent> events = new CopyOnWriteArrayList<>();
        final List<String> output = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(AgentEvent event) {
            events.add(event);
        }

        @Override
        public void onOutput(OutputStream stream, String line) {
            output.add(stream.name().toLowerCase(java.util.Locale.ROOT) + ": " + line);
        }

        <T extends AgentEvent> List<T> all(Class<T> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends AgentEvent> T only(Class<T> type) {
            List<T> found = all(type);
            if (found.size() != 1) {
                throw new AssertionError("expected one " + type.getSimpleName() + " but got " + found + " in " + events);
            }
            return found.get(0);
        }
    }

    /** A finished run: its exit and everything it reported. */
    record Run(AgentExit exit, Recorder recorder) {
        List<AgentEvent> events() {
            return recorder.events;
        }
    }

    static Run run(AgentLauncher launcher, Path worktree, String prompt) {
        return run(launcher, worktree, prompt, Optional.empty(), Map.of());
    }

    static Run run(AgentLauncher launcher, Path worktree, String prompt, Optional<String> resume, Map<String, String> env) {
        Recorder recorder = new Recorder();
        AgentProcess process = launcher.launch(new AgentRequest("feature-x", Workspace.of(worktree), prompt, resume, env, recorder));
        try {
            AgentExit exit = process.exit().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new Run(exit, recorder);
        } catch (Exception e) {
            process.stop(Duration.ZERO);
            throw new AssertionError("the agent did not end within " + TIMEOUT, e);
        }
    }

    /** Launches a hanging stand-in, stops it, and checks that it and its child are gone. */
    static AgentExit stopKillsTree(AgentLauncher launcher, CommandStandIn standIn, Path worktree) {
        standIn.hanging();
        Recorder recorder = new Recorder();
        AgentProcess process = launcher.launch(AgentRequest.of("feature-x", Workspace.of(worktree), "work forever", recorder));
        long child = standIn.awaitChildPid();
        long root = LocalAgentHandle.parse(process.handle()).orElseThrow().pid();
        assertFalse(ProcessHandle.of(child).isEmpty(), "the sleep child runs before the stop");
        process.stop(Duration.ofSeconds(2));
        Await.until("the stand-in (pid " + root + ") and its child (pid " + child + ") to be gone", TIMEOUT,
                () -> ProcessHandle.of(root).map(p -> !p.isAlive()).orElse(true)
                        && ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
        try {
            return process.exit().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("a stopped agent did not report its exit", e);
        }
    }

    /** Fails unless {@code message} contains every one of {@code parts}. */
    static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            if (!message.contains(part)) {
                throw new AssertionError("expected the message to mention '" + part + "': " + message);
            }
        }
    }

    /** A prompt of {@code length} characters, lines of printable ASCII plus some non-ASCII. */
    static String longPrompt(int length) {
        StringBuilder b = new StringBuilder(length);
        int line = 0;
        while (b.length() < length) {
            b.append("line ").append(line++).append(": implement the feature carefully — ü ✓\n");
        }
        return b.substring(0, length);
    }
}
