package dev.agentorchestrator.agents;

import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.spi.AgentExit;
import dev.agentorchestrator.spi.AgentListener;
import dev.agentorchestrator.spi.AgentProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An agent running as a child process, with a reader thread per output stream. */
final class ChildAgentProcess implements AgentProcess {
    private static final Logger log = LoggerFactory.getLogger(ChildAgentProcess.class);

    private final String agentName;
    private final Process process;
    private final OutputInterpreter interpreter;
    private final AgentListener listener;
    private final Instant started = Instant.now();
    private final CompletableFuture<AgentExit> exit = new CompletableFuture<>();
    private final CountDownLatch readersDone = new CountDownLatch(2);
    private final Object interpreterLock = new Object();
    private volatile boolean stopRequested;

    private ChildAgentProcess(String agentName, Process process, OutputInterpreter interpreter, AgentListener listener) {
        this.agentName = agentName;
        this.process = process;
        this.interpreter = interpreter;
        this.listener = listener;
    }

    static ChildAgentProcess start(String agentName, Process process, String stdin,
                                   OutputInterpreter interpreter, AgentListener listener) {
        ChildAgentProcess child = new ChildAgentProcess(agentName, process, interpreter, listener);
        child.startReader("stdout", process.getInputStream(), true);
        child.startReader("stderr", process.getErrorStream(), false);
        child.feed(stdin);
        Thread waiter = new Thread(child::awaitEnd, "agent-" + agentName + "-" + process.pid() + "-exit");
        waiter.setDaemon(true);
        waiter.start();
        return child;
    }

    /** Writes the prompt on its own thread so a large one cannot dead-lock against a full stdout pipe. */
    private void feed(String stdin) {
        if (stdin == null) {
            closeQuietly(process.getOutputStream());
            return;
        }
        Thread writer = new Thread(() -> {
            try (OutputStream out = process.getOutputStream()) {
                out.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                log.debug("agent {} (pid {}) closed its standard input early: {}", agentName, process.pid(), e.toString());
            }
        }, "agent-" + agentName + "-" + process.pid() + "-stdin");
        writer.setDaemon(true);
        writer.start();
    }

    private void startReader(String stream, InputStream in, boolean stdout) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    deliverLine(stream, line, stdout);
                }
            } catch (IOException e) {
                log.debug("reading {} of agent {} (pid {}) ended: {}", stream, agentName, process.pid(), e.toString());
            } finally {
                readersDone.countDown();
            }
        }, "agent-" + agentName + "-" + process.pid() + "-" + stream);
        reader.setDaemon(true);
        reader.start();
    }

    private void deliverLine(String stream, String line, boolean stdout) {
        try {
            listener.onOutput(stream, line);
        } catch (RuntimeException e) {
            log.warn("agent listener failed on a line of {}; the line is still interpreted", stream, e);
        }
        List<AgentEvent> events = new ArrayList<>(2);
        Consumer<AgentEvent> emit = events::add;
        // Both streams share one interpreter; a lock keeps its state consistent without asking
        // every interpreter to be thread-safe.
        synchronized (interpreterLock) {
            try {
                if (stdout) {
                    interpreter.onStdout(line, emit);
                } else {
                    interpreter.onStderr(line, emit);
                }
            } catch (RuntimeException | StackOverflowError e) {
                log.warn("agent {} printed a line its interpreter could not read; skipped: {}", agentName, abbreviate(line), e);
            }
        }
        for (AgentEvent event : events) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                log.warn("agent listener threw on {}; ignored", event.getClass().getSimpleName(), e);
            }
        }
    }

    private void awaitEnd() {
        int code;
        try {
            code = process.waitFor();
            // Output may still be in the pipes after the process is gone; a grandchild that
            // inherited them could keep them open forever, so the wait is bounded.
            if (!readersDone.await(10, TimeUnit.SECONDS)) {
                log.warn("agent {} (pid {}) ended but its output streams stayed open; closing them", agentName, process.pid());
                closeQuietly(process.getInputStream());
                closeQuietly(process.getErrorStream());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = -1;
        }
        AgentExit result;
        synchronized (interpreterLock) {
            try {
                result = interpreter.finish(code, stopRequested, Duration.between(started, Instant.now()));
            } catch (RuntimeException | Error e) {
                // Whatever the interpreter does, the run must report an end, or stop() and the engine would wait for ever.
                result = new AgentExit(AgentExit.Outcome.FAILED, code, "the agent's output could not be judged: " + e, Duration.between(started, Instant.now()));
            }
        }
        exit.complete(result);
    }

    @Override
    public String handle() {
        return ProcessAgentLauncher.localHandle(process.toHandle());
    }

    @Override
    public CompletableFuture<AgentExit> exit() {
        return exit;
    }

    @Override
    public void stop(Duration grace) {
        stopRequested = true;
        ProcessTrees.terminate(process.toHandle(), grace);
        try {
            exit.get(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("agent {} (pid {}) did not report its end after being killed", agentName, process.pid());
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to do: the stream is going away either way
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
