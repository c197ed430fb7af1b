package dev.agentorchestrator.agents;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last few non-blank lines a command printed on one stream, kept to explain a failure
 * ("exited with code 2: ..."). Not thread-safe: interpreters are called under one lock.
 */
final class CommandOutputTail {
    private static final int MAX_LINE_CHARS = 500;

    private final int maxLines;
    private final boolean tidy;
    private final Deque<String> lines = new ArrayDeque<>();

    /** Keeps the last {@code maxLines} non-blank lines, each stripped and cut to 500 characters. */
    CommandOutputTail(int maxLines) {
        this(maxLines, true);
    }

    private CommandOutputTail(int maxLines, boolean tidy) {
        if (maxLines < 1) {
            throw new IllegalArgumentException("maxLines must be at least 1, was " + maxLines);
        }
        this.maxLines = maxLines;
        this.tidy = tidy;
    }

    /**
     * Keeps the last {@code maxLines} non-blank lines exactly as printed, indentation and length
     * included (Claude Code's failure messages have always quoted its stderr that way).
     */
    static CommandOutputTail verbatim(int maxLines) {
        return new CommandOutputTail(maxLines, false);
    }

    void add(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) {
            return;
        }
        if (lines.size() == maxLines) {
            lines.removeFirst();
        }
        lines.addLast(!tidy ? line : trimmed.length() <= MAX_LINE_CHARS ? trimmed : trimmed.substring(0, MAX_LINE_CHARS) + "...");
    }

    boolean isEmpty() {
        return lines.isEmpty();
    }

    /** The kept lines joined by {@code " | "}, oldest first; empty when none. */
    String joined() {
        return String.join(" | ", lines);
    }

    /** {@link #joined()}, or {@code whenEmpty} when no line was kept. */
    String joinedOr(String whenEmpty) {
        return lines.isEmpty() ? whenEmpty : joined();
    }
}
