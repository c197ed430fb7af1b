package dev.agentorchestrator.agents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * Reads one line of an agent's JSON Lines output as an event object. The agents print other
 * things on stdout now and then (a warning, a progress bar), and an interpreter must never throw
 * for bad input, so a line that is not a JSON object is skipped: the caller logs it in its own
 * words and moves on.
 */
final class JsonLines {

    /** Why a non-blank line was skipped. */
    enum Garbled {
        /** The line does not parse as JSON. */
        NOT_JSON,
        /** The line is JSON, but an array, a string or a number rather than an object. */
        NOT_AN_OBJECT
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LOGGED_CHARS = 200;

    private JsonLines() {
    }

    /**
     * The line as a JSON object; empty for a blank line (silently) and for a garbled one, which
     * is first handed to {@code onGarbled}.
     */
    static Optional<ObjectNode> parseObject(String line, Consumer<Garbled> onGarbled) {
        if (line.isBlank()) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            onGarbled.accept(Garbled.NOT_JSON);
            return Optional.empty();
        }
        if (node == null || !node.isObject()) {
            onGarbled.accept(Garbled.NOT_AN_OBJECT);
            return Optional.empty();
        }
        return Optional.of((ObjectNode) node);
    }

    /**
     * {@link #parseObject} that logs a skipped line as "AGENT printed a line that is not JSON" or
     * "AGENT printed JSON that is not an event object", with the line cut to 200 characters.
     */
    static Optional<ObjectNode> parseObject(String line, Logger log, String agent) {
        return parseObject(line, garbled -> log.warn(garbled == Garbled.NOT_JSON
                ? "{} printed a line that is not JSON; skipped: {}"
                : "{} printed JSON that is not an event object; skipped: {}", agent, abbreviate(line)));
    }

    private static String abbreviate(String line) {
        return line.length() <= MAX_LOGGED_CHARS ? line : line.substring(0, MAX_LOGGED_CHARS) + "...";
    }
}
