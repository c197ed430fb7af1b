package dev.agentorchestrator.agents;

import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.internal.process.ProcessTrees;
import dev.agentorchestrator.spi.AgentExit;
import dev.agentorchestrator.spi.AgentListener;
import dev.agentorchestrator.spi.AgentListener.OutputStream;
import dev.agentorchestrator.spi.AgentProcess;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent running as a child process, with a reader thread per output stream. It decides what is
 * common to every process launcher (a stop request means STOPPED; the last lines of standard error
 * are kept) and leaves the rest of the verdict to the {@link OutputInterpreter}.
 */
final class ChildAgentProcess implements AgentProcess {
    private static final Logger log = LoggerFactory.getLogger(ChildAgentProcess.class);

    private final String agentName;
    private final String handle;
    private final Process process;
    private final OutputInterpreter interpreter;
    private final AgentListener listener;
    // Replaces the agent's secret values in each line before the listener, the interpreter or a log sees it.
    private final UnaryOperator<String> redact;
    private final Instant started = Instant.now();
    private final CompletableFuture<AgentExit> exit = new CompletableFuture<>();
    private final CountDownLatch readersDone = new CountDownLatch(2);
    // Guards the interpreter and the error tail: both streams' readers and the exit thread use them.
    private final Object interpreterLock = new Object();
    private final Deque<String> errorTail = new ArrayDeque<>();
    private volatile boolean stopRequested;
    private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

    private ChildAgentProcess(String agentName, String handle, Process process, OutputInterpreter interpreter,
                              AgentListener listener, UnaryOperator<String> redact) {
        this.redact = redact;
        this.agentName = agentName;
        this.handle = handle;
        this.process = process;
        this.interpreter = interpreter;
        this.listener = listener;
    }

    static ChildAgentProcess start(String agentName, String handle, Process process, Optional<String> stdin,
                                   OutputInterpreter interpreter, AgentListener listener, UnaryOperator<String> redact) {
        ChildAgentProcess child = new ChildAgentProcess(agentName, handle, process, interpreter, listener, redact);
        child.startReader(OutputStream.STDOUT, process.getInputStream());
        child.startReader(OutputStream.STDERR, process.getErrorStream());
        child.feed(stdin);
        // No thread waits for the exit (issue 21: threads per agent): the JDK's shared process
        // reaper completes onExit, and whichever comes last, the exit or the end of the output,
        // judges the run.
        process.onExit().thenRun(child::exited);
        return child;
    }

    /** Writes the prompt on its own thread so a large one cannot dead-lock against a full stdout pipe. */
    private void feed(Optional<String> stdin) {
        if (stdin.isEmpty()) {
            closeQuietly(process.getOutputStream());
            return;
        }
        Thread writer = new Thread(() -> {
            try (java.io.OutputStream out = process.getOutputStream()) {
                out.write(stdin.get().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                log.debug("agent {} ({}) closed its standard input early: {}", agentName, handle, e.toString());
            }
        }, "agent-" + agentName + "-" + process.pid() + "-stdin");
        writer.setDaemon(true);
        writer.start();
    }

    private void startReader(OutputStream stream, InputStream in) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    deliverLine(stream, redact.apply(line));
                }
            } catch (IOException e) {
                log.debug("reading {} of agent {} ({}) ended: {}", stream, agentName, handle, e.toString());
            } finally {
                readersDone.countDown();
                if (readersDone.getCount() == 0) {
                    end(); // the output ended after the exit was seen, or the exit is still to come
                }
            }
        }, "agent-" + agentName + "-" + process.pid() + "-" + stream.name().toLowerCase(java.util.Locale.ROOT));
        reader.setDaemon(true);
        reader.start();
    }

    private void deliverLine(OutputStream stream, String line) {
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
                if (stream == OutputStream.STDOUT) {
                    interpreter.onStdout(line, emit);
                } else {
                    keepErrorLine(line);
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

    private void keepErrorLine(String line) {
        if (line.isBlank()) {
            return;
        }
        if (errorTail.size() == ProcessExit.ERROR_LINES_KEPT) {
            errorTail.removeFirst();
        }
        errorTail.addLast(line.length() <= ProcessExit.MAX_KEPT_LINE_CHARS ? line : line.substring(0, ProcessExit.MAX_KEPT_LINE_CHARS) + "...");
    }

    /** The process is gone; output may still be in the pipes, and a grandchild could keep them open for ever. */
    private void exited() {
        if (readersDone.getCount() == 0) {
            end();
            return;
        }
        CompletableFuture.runAsync(() -> {
            if (readersDone.getCount() > 0) {
                log.warn("agent {} ({}) ended but its output streams stayed open; closing them", agentName, handle);
                closeQuietly(process.getInputStream());
                closeQuietly(process.getErrorStream());
            }
            end();
        }, CompletableFuture.delayedExecutor(10, TimeUnit.SECONDS));
    }

    /** Judges the run once, when the process has exited and (unless they stayed open too long) both readers have finished. */
    private void end() {
        if (process.isAlive() || !ended.compareAndSet(false, true)) {
            return;
        }
        exit.complete(judge(process.exitValue(), Duration.between(started, Instant.now())));
    }

    private AgentExit judge(int code, Duration runtime) {
        if (stopRequested) {
            return new AgentExit(AgentExit.Outcome.STOPPED, code, "stopped on request", runtime);
        }
        synchronized (interpreterLock) {
            try {
                return interpreter.finish(new ProcessExit(code, runtime, List.copyOf(errorTail)));
            } catch (RuntimeException | Error e) {
                // Whatever the interpreter does, the run must report an end, or stop() and the engine would wait for ever.
                log.warn("the interpreter of agent {} ({}) failed to judge the run", agentName, handle, e);
                return new AgentExit(AgentExit.Outcome.FAILED, code, "the agent's output could not be judged: " + e, runtime);
            }
        }
    }

    @Override
    public String handle() {
        return handle;
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
            log.warn("agent {} ({}) did not report its end after being killed", agentName, handle);
        }
    }

    @Override
    public String toString() {
        return "AgentProcess[" + agentName + ", " + handle + (exit.isDone() ? ", ended" : ", running") + "]";
    }

    private static void closeQuietly(Closeable c) {
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
