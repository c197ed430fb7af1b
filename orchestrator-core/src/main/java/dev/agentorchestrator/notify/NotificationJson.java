package dev.agentorchestrator.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.spi.Notification;
import java.nio.charset.StandardCharsets;

/**
 * The body a webhook receives. Written out field by field rather than left to Jackson's record
 * binding, so that the shape receivers parse is a visible, versioned contract that does not move
 * when a field of {@link Session} is renamed. docs/notifications.md shows it.
 */
final class NotificationJson {

    /** Grows when a field changes meaning or goes away; new fields may appear without it. */
    static final int VERSION = 1;

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private NotificationJson() {
    }

    static byte[] toBytes(Notification n) {
        try {
            return MAPPER.writeValueAsString(toTree(n)).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            // A tree of strings and numbers always serialises; this would be a bug in Jackson.
            throw new IllegalStateException("could not write the notification as JSON: " + e.getMessage(), e);
        }
    }

    static ObjectNode toTree(Notification n) {
        ObjectNode root = NODES.objectNode();
        root.put("version", VERSION);
        root.put("kind", n.kind().name());
        if (n.session().isEmpty()) {
            root.putNull("session");
        } else {
            root.put("session", n.session());
        }
        root.put("message", n.message());
        // Slack, Mattermost and Rocket.Chat incoming webhooks show "text"; with it the body works there as is.
        root.put("text", n.message());
        root.put("at", n.at().toString());
        if (n.snapshot().isPresent()) {
            root.set("snapshot", session(n.snapshot().get()));
        } else {
            root.putNull("snapshot");
        }
        return root;
    }

    private static ObjectNode session(Session s) {
        ObjectNode out = NODES.objectNode();
        out.put("name", s.name());
        out.put("state", s.state().name());
        out.put("message", s.message());
        out.put("branch", s.branch());
        out.put("baseBranch", s.baseBranch());
        if (s.worktree().isPresent()) {
            out.put("worktree", s.worktree().get().toString());
        } else {
            out.putNull("worktree");
        }
        out.put("agent", s.agent());
        out.put("work", s.work().name());
        ObjectNode progress = out.putObject("progress");
        progress.put("completed", s.progress().completed());
        progress.put("total", s.progress().total());
        out.put("costUsd", s.costUsd());
        out.put("turns", s.turns());
        out.put("pendingPrompts", s.pendingPrompts().size());
        if (s.lastCi().isPresent()) {
            CiResult ci = s.lastCi().get();
            ObjectNode c = out.putObject("lastCi");
            c.put("status", ci.status().name());
            c.put("commit", ci.commit());
            c.put("summary", ci.summary());
            c.put("passed", ci.passed());
            c.put("failed", ci.failed());
            c.put("errored", ci.errored());
            c.put("skipped", ci.skipped());
        } else {
            out.putNull("lastCi");
        }
        out.put("revision", s.revision());
        out.put("updatedAt", s.updatedAt().toString());
        return out;
    }
}
