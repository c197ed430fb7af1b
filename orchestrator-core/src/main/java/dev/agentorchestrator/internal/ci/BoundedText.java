package dev.agentorchestrator.internal.ci;

/**
 * Keeps the first and the last characters of a text of any length in bounded memory. Java stack
 * traces matter at the top, Python tracebacks and test output at the bottom, so both ends are kept
 * and the middle is left out with a marker saying how much.
 */
final class BoundedText {
    private final int headMax;
    private final int tailMax;
    private final StringBuilder head = new StringBuilder();
    private final StringBuilder tail = new StringBuilder();
    private long leftOut;

    BoundedText(int headMax, int tailMax) {
        this.headMax = headMax;
        this.tailMax = tailMax;
    }

    void append(char[] chars, int start, int length) {
        int toHead = Math.min(length, headMax - head.length());
        if (toHead > 0) {
            head.append(chars, start, toHead);
        }
        int rest = length - toHead;
        if (rest <= 0) {
            return;
        }
        if (tailMax == 0) {
            leftOut += rest;
            return;
        }
        int from = start + toHead;
        if (rest > tailMax) {
            leftOut += rest - tailMax;
            from += rest - tailMax;
            rest = tailMax;
        }
        tail.append(chars, from, rest);
        // Trim in batches, not per chunk, so long texts cost linear time.
        if (tail.length() > 2 * tailMax) {
            int cut = tail.length() - tailMax;
            tail.delete(0, cut);
            leftOut += cut;
        }
    }

    void append(String text) {
        append(text.toCharArray(), 0, text.length());
    }

    boolean isBlank() {
        return head.toString().isBlank() && tail.toString().isBlank();
    }

    /** The first non-blank line, for a message when a report gives none. */
    String firstLine() {
        for (String line : head.toString().split("\n")) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        return "";
    }

    @Override
    public String toString() {
        String end = tail.length() > tailMax ? tail.substring(tail.length() - tailMax) : tail.toString();
        long omitted = leftOut + (tail.length() - end.length());
        if (omitted == 0) {
            return head + end;
        }
        return head + "\n[... " + omitted + " characters left out ...]\n" + end;
    }
}
