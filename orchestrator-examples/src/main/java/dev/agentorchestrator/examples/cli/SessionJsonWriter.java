package dev.agentorchestrator.examples.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.Session;
import java.io.IOException;

/**
 * The command line's JSON shape of a session ({@code status --json}, the control API), written
 * field by field rather than by serialising the record, so that it stays stable when the record
 * changes, and documented in docs/cli.md. Jackson's streaming API only: {@code status --json}
 * writes it without loading data binding (see {@link StoredSessions}).
 */
public final class SessionJsonWriter {

    private SessionJsonWriter() {
    }

    /** Writes the session as one JSON object (the fields of docs/cli.md) with Jackson's streaming API only. */
    public static void write(JsonGenerator g, Session s) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", s.name());
        g.writeStringField("state", s.state().name());
        g.writeBooleanField("settled", s.state().isSettled() && s.pendingPrompts().isEmpty());
        g.writeStringField("message", s.message());
        g.writeStringField("prompt", s.prompt());
        g.writeStringField("agent", s.agent());
        g.writeStringField("branch", s.branch());
        g.writeStringField("baseBranch", s.baseBranch());
        g.writeStringField("worktree", s.worktree().map(Object::toString).orElse(null));
        g.writeArrayFieldStart("dependsOn");
        for (String d : s.dependsOn()) {
            g.writeString(d);
        }
        g.writeEndArray();
        g.writeStringField("dependencyMode", s.dependencyMode().name());
        g.writeStringField("agentSessionId", s.agentSessionId().orElse(null));
        g.writeObjectFieldStart("progress");
        g.writeNumberField("completed", s.progress().completed());
        g.writeNumberField("total", s.progress().total());
        g.writeStringField("currentTask", s.progress().currentTask());
        g.writeEndObject();
        g.writeNumberField("costUsd", s.costUsd());
        g.writeNumberField("turns", s.turns());
        if (s.lastCi().isPresent()) {
            CiResult ci = s.lastCi().get();
            g.writeObjectFieldStart("ci");
            g.writeStringField("status", ci.status().name());
            g.writeStringField("commit", ci.commit());
            g.writeNumberField("passed", ci.passed());
            g.writeNumberField("failed", ci.failed());
            g.writeNumberField("skipped", ci.skipped());
            g.writeNumberField("durationMillis", ci.duration().toMillis());
            g.writeStringField("finishedAt", ci.finishedAt().toString());
            g.writeStringField("summary", ci.summary());
            g.writeEndObject();
        } else {
            g.writeNullField("ci");
        }
        g.writeNumberField("pendingPrompts", s.pendingPrompts().size());
        g.writeStringField("attention", s.attention());
        g.writeBooleanField("needsAttention", s.needsAttention());
        g.writeStringField("createdAt", s.createdAt().toString());
        g.writeStringField("updatedAt", s.updatedAt().toString());
        g.writeStringField("lastActivityAt", s.lastActivityAt().toString());
        g.writeEndObject();
    }
}
