package dev.agentorchestrator.examples.cli;

import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.Session;

/**
 * The command line's JSON shape of a session ({@code status --json}, the control API), written
 * field by field rather than by serialising the record, so that it stays stable when the record
 * changes, and documented in docs/cli.md. Written with {@link JsonText}, so that {@code status
 * --json} writes it without loading Jackson (see {@link StoredSessions}); the control API reads
 * the same text into a tree.
 */
public final class SessionJsonWriter {

    private SessionJsonWriter() {
    }

    /** Writes the session as one JSON object (the fields of docs/cli.md). */
    public static void write(JsonText.Writer g, Session s) {
        g.beginObject();
        g.name("name").value(s.name());
        g.name("state").value(s.state().name());
        g.name("settled").value(s.state().isSettled() && s.pendingPrompts().isEmpty());
        g.name("message").value(s.message());
        g.name("prompt").value(s.prompt());
        g.name("agent").value(s.agent());
        g.name("branch").value(s.branch());
        g.name("baseBranch").value(s.baseBranch());
        // No method reference: the first lambda would cost a quick command its machinery.
        g.name("worktree").value(s.worktree().isPresent() ? s.worktree().get().toString() : null);
        g.name("dependsOn").beginArray();
        for (String d : s.dependsOn()) {
            g.value(d);
        }
        g.endArray();
        g.name("dependencyMode").value(s.dependencyMode().name());
        g.name("agentSessionId").value(s.agentSessionId().orElse(null));
        g.name("progress").beginObject();
        g.name("completed").value(s.progress().completed());
        g.name("total").value(s.progress().total());
        g.name("currentTask").value(s.progress().currentTask());
        g.endObject();
        g.name("costUsd").value(s.costUsd());
        g.name("turns").value(s.turns());
        if (s.lastCi().isPresent()) {
            CiResult ci = s.lastCi().get();
            g.name("ci").beginObject();
            g.name("status").value(ci.status().name());
            g.name("commit").value(ci.commit());
            g.name("passed").value(ci.passed());
            g.name("failed").value(ci.failed());
            g.name("skipped").value(ci.skipped());
            g.name("durationMillis").value(ci.duration().toMillis());
            g.name("finishedAt").value(IsoTimes.text(ci.finishedAt()));
            g.name("summary").value(ci.summary());
            g.endObject();
        } else {
            g.name("ci").nullValue();
        }
        g.name("pendingPrompts").value(s.pendingPrompts().size());
        g.name("attention").value(s.attention());
        g.name("needsAttention").value(s.needsAttention());
        g.name("createdAt").value(IsoTimes.text(s.createdAt()));
        g.name("updatedAt").value(IsoTimes.text(s.updatedAt()));
        g.name("lastActivityAt").value(IsoTimes.text(s.lastActivityAt()));
        g.endObject();
    }
}
