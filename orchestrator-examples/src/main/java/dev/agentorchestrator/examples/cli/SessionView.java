package dev.agentorchestrator.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Session;
import java.util.List;

/**
 * The command line's JSON shape of a session ({@code status --json}, the control API). Written
 * field by field rather than by serialising the record, so that it stays stable when the record
 * changes, and documented in docs/cli.md.
 */
public final class SessionView {

    /** One mapper for the command line; thread-safe once configured. */
    public static final ObjectMapper JSON = new ObjectMapper();

    private SessionView() {
    }

    public static ObjectNode toJson(Session s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", s.name());
        n.put("state", s.state().name());
        n.put("settled", s.state().isSettled() && s.pendingPrompts().isEmpty());
        n.put("message", s.message());
        n.put("prompt", s.prompt());
        n.put("agent", s.agent());
        n.put("branch", s.branch());
        n.put("baseBranch", s.baseBranch());
        n.put("worktree", s.worktree().map(Object::toString).orElse(null));
        ArrayNode deps = n.putArray("dependsOn");
        s.dependsOn().forEach(deps::add);
        n.put("agentSessionId", s.agentSessionId().orElse(null));
        ObjectNode progress = n.putObject("progress");
        progress.put("completed", s.progress().completed());
        progress.put("total", s.progress().total());
        progress.put("currentTask", s.progress().currentTask());
        n.put("costUsd", s.costUsd());
        n.put("turns", s.turns());
        if (s.lastCi().isPresent()) {
            CiResult ci = s.lastCi().get();
            ObjectNode c = n.putObject("ci");
            c.put("status", ci.status().name());
            c.put("commit", ci.commit());
            c.put("passed", ci.passed());
            c.put("failed", ci.failed());
            c.put("skipped", ci.skipped());
            c.put("durationMillis", ci.duration().toMillis());
            c.put("finishedAt", ci.finishedAt().toString());
            c.put("summary", ci.summary());
        } else {
            n.putNull("ci");
        }
        n.put("pendingPrompts", s.pendingPrompts().size());
        n.put("attention", s.attention());
        n.put("needsAttention", s.needsAttention());
        n.put("createdAt", s.createdAt().toString());
        n.put("updatedAt", s.updatedAt().toString());
        n.put("lastActivityAt", s.lastActivityAt().toString());
        return n;
    }

    public static ArrayNode toJson(List<Session> sessions) {
        ArrayNode a = JSON.createArrayNode();
        sessions.forEach(s -> a.add(toJson(s)));
        return a;
    }

    /** An event as one JSON object with its {@code type}, for the control API's event stream. */
    public static ObjectNode toJson(OrchestratorEvent e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", e.getClass().getSimpleName());
        n.put("session", e.session());
        n.put("at", e.at().toString());
        if (e instanceof OrchestratorEvent.StateChanged c) {
            n.put("from", c.from().name());
            n.put("to", c.to().name());
            n.put("message", c.message());
        } else if (e instanceof OrchestratorEvent.AgentActivity a) {
            n.put("activity", a.event().getClass().getSimpleName());
            n.put("detail", a.event().toString());
        } else if (e instanceof OrchestratorEvent.CiFinished ci) {
            n.put("status", ci.result().status().name());
            n.put("summary", ci.result().summary());
        } else if (e instanceof OrchestratorEvent.FilesOverlap o) {
            o.otherSessions().forEach(n.putArray("otherSessions")::add);
            o.files().forEach(n.putArray("files")::add);
        } else if (e instanceof OrchestratorEvent.ForecastChanged f) {
            n.put("other", f.other());
            n.set("cell", CoordinationView.cell(f.cell()));
        } else if (e instanceof OrchestratorEvent.ReactionTaken r) {
            n.put("reaction", r.reaction());
            n.put("action", r.action());
            n.put("attempt", r.attempt());
        } else if (e instanceof OrchestratorEvent.FeatureAdded f) {
            n.set("snapshot", toJson(f.snapshot()));
        }
        return n;
    }
}
