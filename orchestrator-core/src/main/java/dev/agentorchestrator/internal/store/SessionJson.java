package dev.agentorchestrator.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.DependencyMode;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.WorktreeSetup;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.TaskProgress;
import dev.agentorchestrator.TestFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The on-disk form of a {@link SessionRecord}: {@code {"schemaVersion":2,"session":{...}}}, indented,
 * with ISO-8601 instants and durations and {@code null} for an absent optional value. Schema 1
 * (before the revision, the agent handle and the stored setup) is still read; the next write
 * upgrades the file.
 *
 * <p>The mapping is written out by hand rather than left to Jackson's record binding, so that the
 * file format is a visible, versioned contract that does not change when a field of
 * {@link SessionRecord} is renamed, and so that a damaged file is reported field by field.
 */
final class SessionJson {

    /** The schema this code writes and the newest it reads. */
    static final int SCHEMA_VERSION = 2;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SessionJson() {
    }

    /** The bytes of the file that stores {@code session}, ending with a newline. */
    static byte[] toBytes(SessionRecord session) {
        ObjectNode root = NODES.objectNode();
        root.put("schemaVersion", SCHEMA_VERSION);
        root.set("session", toNode(session));
        try {
            byte[] json = MAPPER.writeValueAsBytes(root);
            byte[] withNewline = java.util.Arrays.copyOf(json, json.length + 1);
            withNewline[json.length] = '\n';
            return withNewline;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a session record could not be turned into JSON", e);
        }
    }

    /**
     * The session stored in {@code bytes}.
     *
     * @throws DamagedFileException saying what is wrong, for the caller to wrap with the file's advice
     */
    static SessionRecord fromBytes(byte[] bytes) {
        if (bytes.length == 0) {
            throw new DamagedFileException("the file is empty (0 bytes)", null);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new DamagedFileException("it is not complete, valid JSON: " + jacksonProblem(e), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new DamagedFileException("the file holds only white space", null);
        }
        if (!root.isObject()) {
            throw new DamagedFileException("the top level is " + kind(root) + ", not an object", null);
        }
        JsonNode version = root.get("schemaVersion");
        if (version == null || !version.canConvertToInt() || !version.isIntegralNumber()) {
            throw new DamagedFileException("'schemaVersion' is missing or not an integer", null);
        }
        int schema = version.intValue();
        if (schema > SCHEMA_VERSION) {
            throw new DamagedFileException("it was written by a newer version of agent-orchestrator (schema "
                    + schema + "; this version reads up to " + SCHEMA_VERSION + ")", null, true);
        }
        if (schema < 1) {
            throw new DamagedFileException("'schemaVersion' is " + schema + ", which no version writes", null);
        }
        try {
            return fromNode(new Fields(root, "").object("session"), schema);
        } catch (IllegalArgumentException | NullPointerException | dev.agentorchestrator.OrchestratorException e) {
            throw new DamagedFileException("its values break a rule: " + e.getMessage(), e);
        }
    }

    /** Reads the {@code name} of a session file without checking the rest; empty when unreadable. */
    static Optional<String> nameIn(byte[] bytes) {
        try {
            JsonNode name = MAPPER.readTree(bytes).path("session").path("name");
            return name.isTextual() ? Optional.of(name.textValue()) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static ObjectNode toNode(SessionRecord s) {
        ObjectNode n = NODES.objectNode();
        n.put("name", s.name());
        n.put("revision", s.revision());
        n.put("prompt", s.prompt());
        n.put("baseBranch", s.baseBranch());
        n.put("branch", s.branch());
        n.put("worktree", s.worktree().map(Path::toString).orElse(null));
        n.set("dependsOn", strings(s.dependsOn()));
        n.put("dependencyMode", s.dependencyMode().name());
        n.put("stackedOn", s.stackedOn().orElse(null));
        n.put("agent", s.agent());
        ObjectNode settings = n.putObject("agentSettings");
        new TreeMap<>(s.agentSettings()).forEach(settings::put);
        ObjectNode setup = n.putObject("setup");
        setup.set("copyFiles", strings(s.setup().copyFiles()));
        setup.set("command", strings(s.setup().command()));
        setup.put("timeout", s.setup().timeout().toString());
        n.put("setupDone", s.setupDone());
        n.put("state", s.state().name());
        n.put("message", s.message());
        n.put("work", s.work().name());
        n.put("halt", s.halt().name());
        n.put("agentSessionId", s.agentSessionId().orElse(null));
        n.put("agentHandle", s.agentHandle().orElse(null));
        ObjectNode progress = n.putObject("progress");
        progress.put("completed", s.progress().completed());
        progress.put("total", s.progress().total());
        progress.put("currentTask", s.progress().currentTask());
        n.put("costUsd", s.costUsd());
        n.put("turns", s.turns());
        if (s.lastCi().isPresent()) {
            CiResult ci = s.lastCi().get();
            ObjectNode c = n.putObject("lastCi");
            c.put("status", ci.status().name());
            c.put("commit", ci.commit());
            c.put("passed", ci.passed());
            c.put("failed", ci.failed());
            c.put("errored", ci.errored());
            c.put("skipped", ci.skipped());
            c.put("duration", ci.duration().toString());
            c.put("finishedAt", ci.finishedAt().toString());
            c.put("summary", ci.summary());
            ArrayNode failures = c.putArray("failures");
            for (TestFailure t : ci.failures()) {
                ObjectNode f = failures.addObject();
                f.put("name", t.name());
                f.put("className", t.className());
                f.put("kind", t.kind().name());
                f.put("message", t.message());
                f.put("detail", t.detail());
            }
            c.set("notes", strings(ci.notes()));
            c.put("outputTail", ci.outputTail());
            c.put("logFile", ci.logFile().map(Path::toString).orElse(null));
        } else {
            n.putNull("lastCi");
        }
        n.set("pendingPrompts", strings(s.pendingPrompts()));
        n.put("attention", s.attention());
        n.put("reactionAttempts", s.reactionAttempts());
        n.put("ciRequested", s.ciRequested());
        n.put("createdAt", s.createdAt().toString());
        n.put("updatedAt", s.updatedAt().toString());
        n.put("lastActivityAt", s.lastActivityAt().toString());
        return n;
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = NODES.arrayNode();
        values.forEach(array::add);
        return array;
    }

    private static SessionRecord fromNode(Fields f, int schema) {
        Fields progress = f.object("progress");
        Optional<CiResult> lastCi = f.optionalObject("lastCi").map(SessionJson::ciResult);
        SessionState state = f.enumValue("state", SessionState.class);
        List<String> pending = f.strings("pendingPrompts");
        long revision;
        Map<String, String> settings;
        WorktreeSetup setup;
        boolean setupDone;
        Session.Work work;
        SessionRecord.Halt halt;
        Optional<String> handle;
        if (schema >= 2) {
            revision = f.optionalLong("revision").orElseThrow(() -> new DamagedFileException(
                    "the required field 'session.revision' is missing", null));
            settings = f.stringMap("agentSettings");
            Fields s = f.object("setup");
            setup = new WorktreeSetup(s.strings("copyFiles"), s.strings("command"), s.duration("timeout"));
            setupDone = f.bool("setupDone");
            work = f.enumValue("work", Session.Work.class);
            halt = f.enumValue("halt", SessionRecord.Halt.class);
            handle = f.optionalText("agentHandle");
        } else {
            // Schema 1 kept a pid and its start time, and no engine work: derive what the engine needs to take over.
            revision = 1;
            settings = Map.of();
            setup = WorktreeSetup.NONE;
            setupDone = state != SessionState.QUEUED && state != SessionState.CREATING_WORKTREE;
            work = state == SessionState.QUEUED ? Session.Work.QUEUED : state.isActive() ? Session.Work.RUNNING
                    : !pending.isEmpty() && state.isSettled() && !state.isTerminal() ? Session.Work.QUEUED : Session.Work.NONE;
            halt = SessionRecord.Halt.NONE;
            Optional<Long> pid = f.optionalLong("agentPid");
            Optional<Instant> started = f.optionalText("agentStartedAt").map(v -> f.parseInstant("agentStartedAt", v));
            handle = pid.map(p -> "local:" + p + ":" + started.map(Instant::toEpochMilli).orElse(0L));
        }
        // Dependency modes came after schema 2 as optional fields: a record without them waits sequentially.
        DependencyMode mode = f.node().hasNonNull("dependencyMode") ? f.enumValue("dependencyMode", DependencyMode.class)
                : DependencyMode.SEQUENTIAL;
        return new SessionRecord(
                f.text("name"), f.text("prompt"), f.text("baseBranch"), f.text("branch"),
                f.optionalText("worktree").map(Path::of), f.strings("dependsOn"), mode, f.optionalText("stackedOn"),
                f.text("agent"), settings, setup,
                setupDone, state, f.text("message"), work, halt, f.optionalText("agentSessionId"), handle,
                new TaskProgress(progress.integer("completed"), progress.integer("total"), progress.text("currentTask")),
                f.number("costUsd"), f.integer("turns"), lastCi, pending,
                f.optionalText("attention").orElse(""), f.node().has("reactionAttempts") ? f.integer("reactionAttempts") : 0,
                f.node().has("ciRequested") && f.bool("ciRequested"), f.instant("createdAt"), f.instant("updatedAt"), f.instant("lastActivityAt"), revision);
    }

    /** A CI result; the fields after {@code summary} came with reports and are optional, so older records load. */
    private static CiResult ciResult(Fields c) {
        List<TestFailure> failures = new ArrayList<>();
        if (c.node().has("failures")) {
            for (Fields t : c.objects("failures")) {
                failures.add(new TestFailure(t.text("name"), t.text("className"), t.enumValue("kind", TestFailure.Kind.class),
                        t.text("message"), t.text("detail")));
            }
        }
        return new CiResult(c.enumValue("status", CiResult.Status.class), c.text("commit"), c.integer("passed"),
                c.integer("failed"), c.node().has("errored") ? c.integer("errored") : 0, c.integer("skipped"),
                c.duration("duration"), c.instant("finishedAt"), c.text("summary"), failures,
                c.node().has("notes") ? c.strings("notes") : List.of(),
                c.optionalText("outputTail").orElse(""), c.optionalText("logFile").map(Path::of));
    }

    private static String jacksonProblem(IOException e) {
        if (e instanceof JsonProcessingException j) {
            String where = j.getLocation() == null ? "" : " at line " + j.getLocation().getLineNr()
                    + ", column " + j.getLocation().getColumnNr();
            return j.getOriginalMessage() + where;
        }
        return String.valueOf(e.getMessage());
    }

    private static String kind(JsonNode node) {
        return node.isNull() ? "null" : "a JSON " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Typed access to one JSON object's fields, naming the field's path when one is missing or wrong. */
    private record Fields(JsonNode node, String path) {

        private JsonNode required(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw new DamagedFileException("the required field '" + path + field + "' is missing", null);
            }
            return value;
        }

        private DamagedFileException wrong(String field, String expected, JsonNode value) {
            return new DamagedFileException("the field '" + path + field + "' should be " + expected
                    + " but is " + kind(value) + " (" + abbreviate(value.toString()) + ")", null);
        }

        Fields object(String field) {
            JsonNode value = required(field);
            if (!value.isObject()) {
                throw wrong(field, "an object", value);
            }
            return new Fields(value, path + field + ".");
        }

        Optional<Fields> optionalObject(String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? Optional.empty() : Optional.of(object(field));
        }

        String text(String field) {
            JsonNode value = required(field);
            if (!value.isTextual()) {
                throw wrong(field, "a string", value);
            }
            return value.textValue();
        }

        Optional<String> optionalText(String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? Optional.empty() : Optional.of(text(field));
        }

        int integer(String field) {
            JsonNode value = required(field);
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw wrong(field, "an integer", value);
            }
            return value.intValue();
        }

        Optional<Long> optionalLong(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return Optional.empty();
            }
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                throw wrong(field, "an integer", value);
            }
            return Optional.of(value.longValue());
        }

        double number(String field) {
            JsonNode value = required(field);
            if (!value.isNumber()) {
                throw wrong(field, "a number", value);
            }
            return value.doubleValue();
        }

        List<Fields> objects(String field) {
            JsonNode value = required(field);
            if (!value.isArray()) {
                throw wrong(field, "an array of objects", value);
            }
            List<Fields> out = new ArrayList<>();
            for (JsonNode item : value) {
                if (!item.isObject()) {
                    throw wrong(field + "[" + out.size() + "]", "an object", item);
                }
                out.add(new Fields(item, path + field + "[" + out.size() + "]."));
            }
            return out;
        }

        boolean bool(String field) {
            JsonNode value = required(field);
            if (!value.isBoolean()) {
                throw wrong(field, "true or false", value);
            }
            return value.booleanValue();
        }

        Map<String, String> stringMap(String field) {
            JsonNode value = required(field);
            if (!value.isObject()) {
                throw wrong(field, "an object of strings", value);
            }
            Map<String, String> out = new TreeMap<>();
            var it = value.fields();
            while (it.hasNext()) {
                var e = it.next();
                if (!e.getValue().isTextual()) {
                    throw wrong(field + "." + e.getKey(), "a string", e.getValue());
                }
                out.put(e.getKey(), e.getValue().textValue());
            }
            return out;
        }

        List<String> strings(String field) {
            JsonNode value = required(field);
            if (!value.isArray()) {
                throw wrong(field, "an array of strings", value);
            }
            List<String> out = new ArrayList<>();
            for (JsonNode item : value) {
                if (!item.isTextual()) {
                    throw wrong(field + "[" + out.size() + "]", "a string", item);
                }
                out.add(item.textValue());
            }
            return out;
        }

        <E extends Enum<E>> E enumValue(String field, Class<E> type) {
            String text = text(field);
            try {
                return Enum.valueOf(type, text);
            } catch (IllegalArgumentException e) {
                throw new DamagedFileException("the field '" + path + field + "' holds '" + abbreviate(text)
                        + "', which is not one of " + java.util.Arrays.toString(type.getEnumConstants()), e);
            }
        }

        Instant instant(String field) {
            return parseInstant(field, text(field));
        }

        Instant parseInstant(String field, String text) {
            try {
                return Instant.parse(text);
            } catch (java.time.format.DateTimeParseException e) {
                throw new DamagedFileException("the field '" + path + field + "' holds '" + abbreviate(text)
                        + "', which is not an ISO-8601 instant such as 2025-01-31T12:00:00Z", e);
            }
        }

        Duration duration(String field) {
            String text = text(field);
            try {
                return Duration.parse(text);
            } catch (java.time.format.DateTimeParseException e) {
                throw new DamagedFileException("the field '" + path + field + "' holds '" + abbreviate(text)
                        + "', which is not an ISO-8601 duration such as PT1M30S", e);
            }
        }

        private static String abbreviate(String s) {
            return s.length() <= 60 ? s : s.substring(0, 57) + "...";
        }
    }

    /** What is wrong with a file's content; the store adds the file's name and the advice. */
    static final class DamagedFileException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final boolean newerSchema;

        DamagedFileException(String problem, Throwable cause) {
            this(problem, cause, false);
        }

        DamagedFileException(String problem, Throwable cause, boolean newerSchema) {
            super(problem, cause);
            this.newerSchema = newerSchema;
        }

        /** True when the file is not damaged but written by a newer version, which must not be replaced. */
        boolean newerSchema() {
            return newerSchema;
        }
    }
}
