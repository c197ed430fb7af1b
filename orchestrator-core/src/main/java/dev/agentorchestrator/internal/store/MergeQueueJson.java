package dev.agentorchestrator.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.MergeQueueEntry;
import dev.agentorchestrator.MergeRequest;
import dev.agentorchestrator.MergeResult;
import dev.agentorchestrator.MergeStrategy;
import dev.agentorchestrator.internal.store.SessionJson.DamagedFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The on-disk form of the merge queue: {@code {"schemaVersion":1,"entries":[{...}, ...]}}, one
 * object per entry with its whole request, so that a restarted engine merges each feature the way
 * it was asked. Written by hand, like {@link SessionJson}, so the format is a visible contract.
 */
final class MergeQueueJson {

    static final int SCHEMA_VERSION = 1;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private MergeQueueJson() {
    }

    static byte[] toBytes(List<MergeQueueEntry> entries) {
        ObjectNode root = NODES.objectNode();
        root.put("schemaVersion", SCHEMA_VERSION);
        ArrayNode list = root.putArray("entries");
        for (MergeQueueEntry e : entries) {
            ObjectNode n = list.addObject();
            MergeRequest r = e.request();
            n.put("feature", r.feature());
            n.put("priority", r.priority());
            n.put("arrival", e.arrival());
            n.put("queuedAt", e.queuedAt().toString());
            n.put("state", e.state().name());
            n.put("outcome", e.outcome().map(Enum::name).orElse(null));
            n.put("detail", e.detail());
            n.put("strategy", r.strategy().name());
            n.put("baseBranch", r.baseBranch().orElse(null));
            n.put("message", r.message().orElse(null));
            n.put("requireGreenCi", r.requireGreenCi());
            n.put("ignoreUncommitted", r.ignoreUncommitted());
            n.put("removeWorktree", r.removeWorktree());
            n.put("deleteBranch", r.deleteBranch());
        }
        try {
            byte[] json = MAPPER.writeValueAsBytes(root);
            byte[] withNewline = java.util.Arrays.copyOf(json, json.length + 1);
            withNewline[json.length] = '\n';
            return withNewline;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("the merge queue could not be turned into JSON", e);
        }
    }

    /** The entries stored in {@code bytes}; throws {@link DamagedFileException} saying what is wrong. */
    static List<MergeQueueEntry> fromBytes(byte[] bytes) {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new DamagedFileException("it is not complete, valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new DamagedFileException("the top level is not an object", null);
        }
        JsonNode version = root.get("schemaVersion");
        if (version == null || !version.isIntegralNumber()) {
            throw new DamagedFileException("'schemaVersion' is missing or not an integer", null);
        }
        if (version.intValue() > SCHEMA_VERSION) {
            throw new DamagedFileException("it was written by a newer version of agent-orchestrator (schema "
                    + version.intValue() + "; this version reads up to " + SCHEMA_VERSION + ")", null, true);
        }
        JsonNode list = root.get("entries");
        if (list == null || !list.isArray()) {
            throw new DamagedFileException("'entries' is missing or not a list", null);
        }
        List<MergeQueueEntry> entries = new ArrayList<>();
        for (JsonNode n : list) {
            try {
                entries.add(entry(n));
            } catch (RuntimeException e) {
                throw new DamagedFileException("entry " + (entries.size() + 1) + " breaks a rule: " + e.getMessage(), e);
            }
        }
        return List.copyOf(entries);
    }

    private static MergeQueueEntry entry(JsonNode n) {
        MergeRequest r = new MergeRequest(text(n, "feature"), MergeStrategy.valueOf(text(n, "strategy")),
                optional(n, "baseBranch"), optional(n, "message"), flag(n, "requireGreenCi"), flag(n, "ignoreUncommitted"),
                flag(n, "removeWorktree"), flag(n, "deleteBranch"), number(n, "priority").intValue());
        return new MergeQueueEntry(r, number(n, "arrival").longValue(), Instant.parse(text(n, "queuedAt")),
                MergeQueueEntry.State.valueOf(text(n, "state")), optional(n, "outcome").map(MergeResult.Outcome::valueOf),
                text(n, "detail"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' is missing or not text");
        }
        return v.textValue();
    }

    private static Optional<String> optional(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(text(n, field));
    }

    private static boolean flag(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isBoolean()) {
            throw new IllegalArgumentException("'" + field + "' is missing or not true/false");
        }
        return v.booleanValue();
    }

    private static JsonNode number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("'" + field + "' is missing or not a whole number");
        }
        return v;
    }
}
