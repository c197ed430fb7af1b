package dev.agentorchestrator.internal.store;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Long, self-checking log lines: a tag, a number, and a body whose length the line states. */
final class SessionLogLines {

    private static final Pattern LINE = Pattern.compile("(\\w+) (\\d+) (\\d+) (x*)ü");

    private SessionLogLines() {
    }

    /** A line longer than a pipe buffer (4 KiB), so an interleaved write would show. */
    static String line(String tag, int number) {
        int length = 5000 + number % 3000;
        return tag + " " + number + " " + length + " " + "x".repeat(length) + "ü";
    }

    /** The line's tag and number when it is whole and unmixed, else null. */
    static String[] parse(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.matches() || Integer.parseInt(m.group(3)) != m.group(4).length()) {
            return null;
        }
        return new String[] {m.group(1), m.group(2)};
    }
}
