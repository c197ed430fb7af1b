package dev.agentorchestrator.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One session's transcript. Appends are cheap and ordered; lines written by one process are
 * never interleaved mid-line with lines of another.
 */
public interface SessionLog {

    /** Appends one line (a trailing newline is added). */
    void append(String line);

    /** The last {@code maxLines} lines, oldest first. */
    List<String> tail(int maxLines);

    /** The file holding the transcript, when the store keeps one a person can open. */
    Optional<Path> file();
}
