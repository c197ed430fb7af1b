package dev.agentorchestrator.internal.ci;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The file that holds one CI run's whole output. Lines are written as they come, so a person can
 * follow a run with {@code tail -f}; past {@code maxBytes} the file says where it stopped, so a test
 * that prints without end cannot fill the disk. A log that cannot be written never fails the run:
 * the problem becomes a note.
 */
public final class RunLog implements AutoCloseable {
    private final Path file;
    private final long maxBytes;
    private Writer writer;
    private long written;
    private boolean full;
    private boolean opened;
    private String problem = "";

    private RunLog(Path file, long maxBytes) {
        this.file = file;
        this.maxBytes = maxBytes;
    }

    /** Creates (or replaces) the log; check {@link #problem()} to learn whether it could be. */
    public static RunLog open(Path file, long maxBytes) {
        RunLog log = new RunLog(file, maxBytes);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            log.writer = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 16 * 1024);
            log.opened = true;
        } catch (IOException | RuntimeException e) {
            log.problem = "the log file " + file + " could not be written (" + describe(e) + ")";
        }
        return log;
    }

    public Path file() {
        return file;
    }

    /** Whether the file could be created; when not, the result names no log file. */
    public synchronized boolean opened() {
        return opened;
    }

    /** Empty when everything went into the file; otherwise what went wrong, as a note for the result. */
    public synchronized String problem() {
        return problem;
    }

    public synchronized void line(String line) {
        if (writer == null || full) {
            return;
        }
        long bytes = line.length() + 1L;
        try {
            if (written + bytes > maxBytes) {
                full = true;
                writer.write("[agent-orchestrator: the log stops here, at its limit of " + maxBytes
                        + " bytes; the run went on]\n");
                writer.flush();
                problem = "the output passed the log's limit of " + maxBytes + " bytes; the log holds its start";
                return;
            }
            writer.write(line);
            writer.write('\n');
            written += bytes;
            // Flush per line is cheap next to a test run's own work and lets a person follow the file.
            writer.flush();
        } catch (IOException e) {
            problem = "writing the log file " + file + " failed part way (" + describe(e) + ")";
            closeQuietly();
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private void closeQuietly() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                if (problem.isEmpty()) {
                    problem = "closing the log file " + file + " failed (" + describe(e) + ")";
                }
            }
            writer = null;
        }
    }
}
