package dev.agentorchestrator.agents;

import java.util.List;
import java.util.Optional;

/**
 * Tells whether the text an agent ended its turn on asks the user something. The rule is kept
 * simple and visible, because it decides whether a session shows as waiting for a person: the last
 * non-blank line, once trailing Markdown emphasis, code ticks, quotes and closing brackets are
 * removed, ends with a question mark ({@code ?} or the full-width {@code ？}). A question asked
 * earlier and followed by more text does not count: the agent went on by itself.
 */
final class ClaudeQuestions {

    private static final String TRAILING_DECORATION = "*_`\"')]}»”’ \t";
    private static final int MAX_QUESTION_CHARS = 500;

    private ClaudeQuestions() {
    }

    /** The question the text ends on (its last paragraph, at most the last 500 characters), or empty. */
    static Optional<String> finalQuestion(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        List<String> lines = text.strip().lines().toList();
        String last = stripDecoration(lines.get(lines.size() - 1));
        if (!(last.endsWith("?") || last.endsWith("？"))) {
            return Optional.empty();
        }
        // Report the whole last paragraph: a question often needs the sentence before it.
        int start = lines.size() - 1;
        while (start > 0 && !lines.get(start - 1).isBlank()) {
            start--;
        }
        String paragraph = String.join("\n", lines.subList(start, lines.size())).strip();
        // Keep the end of a long paragraph: that is where the question is.
        return Optional.of(paragraph.length() <= MAX_QUESTION_CHARS ? paragraph
                : "…" + paragraph.substring(paragraph.length() - MAX_QUESTION_CHARS));
    }

    private static String stripDecoration(String line) {
        int end = line.length();
        while (end > 0 && TRAILING_DECORATION.indexOf(line.charAt(end - 1)) >= 0) {
            end--;
        }
        return line.substring(0, end);
    }
}
