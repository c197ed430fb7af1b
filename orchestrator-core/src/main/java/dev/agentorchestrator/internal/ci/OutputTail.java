package dev.agentorchestrator.internal.ci;

import java.util.ArrayDeque;
import java.util.Deque;

/** The last lines of a run's output, bounded in lines and in characters per line. */
public final class OutputTail {
    private static final int LINE_MAX = 400;

    private final int lines;
    private final Deque<String> tail = new ArrayDeque<>();

    public OutputTail(int lines) {
        this.lines = lines;
    }

    public synchronized void add(String line) {
        tail.addLast(line.length() <= LINE_MAX ? line : line.substring(0, LINE_MAX) + " [...]");
        if (tail.size() > lines) {
            tail.removeFirst();
        }
    }

    /** The last line with something on it, or empty. */
    public synchronized String lastNonBlank() {
        var it = tail.descendingIterator();
        while (it.hasNext()) {
            String line = it.next();
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        return "";
    }

    @Override
    public synchronized String toString() {
        return String.join("\n", tail);
    }
}
