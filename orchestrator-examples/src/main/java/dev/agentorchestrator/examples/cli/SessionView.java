package dev.agentorchestrator.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The command line's JSON shape of a session ({@code status --json}, the control API) as a tree,
 * and of an event. The session's fields are written by {@link SessionJsonWriter}.
 */
public final class SessionView {

    /** One mapper for the command line; thread-safe once configured. */
    public static final ObjectMapper JSON = new ObjectMapper();

    private SessionView() {
    }

    public static ObjectNode toJson(Session s) {
        // One definition of the shape, SessionJsonWriter (which status uses without Jackson); the
        // control API reads its text into a tree.
        JsonText.Writer text = new JsonText.Writer();
        SessionJsonWriter.write(text, s);
        try {
            return (ObjectNode) JSON.readTree(text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("a session could not be turned into JSON", e);
        }
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
