package dev.agentorchestrator.examples.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.ForecastMatrix;
import dev.agentorchestrator.MergeResult;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.TaskProgress;

/**
 * The JSON the page reads, built field by field (no reflection over the core's records, so a
 * field the core adds or renames never leaks to the page by accident).
 */
final class DashboardJson {

    private DashboardJson() {
    }

    static ObjectNode session(Session s, AgentDoing doing, CardFacts facts) {
        ObjectNode json = Responses.JSON.createObjectNode();
        java.util.Optional<CardFacts.Conflict> conflict = facts.conflict(s);
        SessionGroup group = SessionGroup.of(s, conflict.isPresent());
        json.put("name", s.name())
                .put("prompt", s.prompt())
                .put("state", s.state().name())
                .put("group", group.name())
                .put("needsAttention", group.needsAttention())
                .put("settled", s.state().isSettled())
                .put("message", s.message())
                .put("attention", s.attention())
                // Held by a person (Orchestrator.hold, the command line's attach): only release() lets it go on.
                .put("handedOver", s.isHandedOver())
                .put("held", s.isHeld())
                .put("branch", s.branch())
                .put("baseBranch", s.baseBranch())
                .put("agent", s.agent())
                .put("costUsd", s.costUsd())
                .put("turns", s.turns())
                .put("pendingPrompts", s.pendingPrompts().size())
                .put("createdAt", s.createdAt().toString())
                .put("updatedAt", s.updatedAt().toString())
                .put("lastActivityAt", s.lastActivityAt().toString());
        json.set("dependsOn", strings(s.dependsOn()));
        TaskProgress p = s.progress();
        json.putObject("progress").put("completed", p.completed()).put("total", p.total())
                .put("currentTask", p.currentTask()).put("fraction", p.fraction());
        s.lastCi().ifPresentOrElse(ci -> json.set("ci", ci(ci)), () -> json.putNull("ci"));
        ObjectNode now = json.putObject("doing");
        doing.tool().ifPresentOrElse(t -> now.put("tool", t), () -> now.putNull("tool"));
        now.put("detail", doing.detail());
        doing.toolAt().ifPresentOrElse(t -> now.put("at", t.toString()), () -> now.putNull("at"));
        now.put("said", doing.said());
        doing.question().ifPresentOrElse(q -> now.put("question", q), () -> now.putNull("question"));
        ObjectNode changes = EngineBridge.changes(facts.overlaps(), s.name());
        facts.diffStat(s.name()).ifPresentOrElse(stat -> changes.put("filesChanged", stat.filesChanged())
                        .put("linesAdded", stat.linesAdded()).put("linesRemoved", stat.linesRemoved()),
                () -> facts.stats().unavailable().ifPresent(why -> changes.put("diffStatUnavailable", why)));
        ArrayNode conflicting = changes.putArray("conflictsWith");
        for (ForecastMatrix.Cell c : facts.pairConflicts(s.name())) {
            conflicting.addObject().put("session", c.name().equals(s.name()) ? c.other() : c.name())
                    .set("paths", strings(c.conflictingPaths()));
        }
        json.set("changes", changes);
        conflict.ifPresentOrElse(c -> {
            ObjectNode node = json.putObject("conflict").put("base", c.base())
                    .put("mergeRefused", c.mergeRefused()).put("forecast", c.forecast());
            node.set("paths", strings(c.paths()));
        }, () -> json.putNull("conflict"));
        return json;
    }

    static ObjectNode ci(CiResult ci) {
        ObjectNode json = Responses.JSON.createObjectNode()
                .put("status", ci.status().name())
                .put("green", ci.status().isGreen())
                .put("commit", ci.commit())
                .put("passed", ci.passed())
                .put("failed", ci.failed())
                .put("skipped", ci.skipped())
                .put("durationMs", ci.duration().toMillis())
                .put("finishedAt", ci.finishedAt().toString())
                .put("summary", ci.summary());
        json.set("failures", EngineBridge.ciFailures(ci));
        return json;
    }

    /** The kind of an event and a line a person can read, for the activity feed and the transcript. */
    static ObjectNode event(OrchestratorEvent event, Orchestrator orchestrator) {
        ObjectNode json = Responses.JSON.createObjectNode()
                .put("kind", event.getClass().getSimpleName())
                .put("session", event.session())
                .put("at", event.at().toString());
        String text;
        if (event instanceof OrchestratorEvent.FeatureAdded) {
            text = "added";
        } else if (event instanceof OrchestratorEvent.StateChanged changed) {
            text = changed.from() + " → " + changed.to() + (changed.message().isEmpty() ? "" : ": " + AgentDoing.shorten(changed.message(), 300));
            json.put("from", changed.from().name()).put("to", changed.to().name());
        } else if (event instanceof OrchestratorEvent.AgentActivity activity) {
            json.put("agentEvent", activity.event().getClass().getSimpleName());
            text = describe(activity.event());
        } else if (event instanceof OrchestratorEvent.CiFinished ci) {
            CiResult r = ci.result();
            text = "CI " + r.status() + ": " + r.passed() + " passed, " + r.failed() + " failed, " + r.skipped() + " skipped";
        } else if (event instanceof OrchestratorEvent.FilesOverlap overlap) {
            text = "overlaps " + String.join(", ", overlap.otherSessions()) + " on " + String.join(", ", overlap.files());
            json.set("otherSessions", strings(overlap.otherSessions()));
            json.set("files", strings(overlap.files()));
        } else if (event instanceof OrchestratorEvent.ForecastChanged changed) {
            ForecastMatrix.Cell c = changed.cell();
            boolean intoBase = MergeConflicts.intoBase(changed, orchestrator);
            String with = intoBase ? "into " + c.other() : "with " + changed.other();
            text = switch (c.outcome()) {
                case CONFLICT -> "merge " + with + " would conflict: " + String.join(", ", c.conflictingPaths());
                case CLEAN -> "merge " + with + " is clean";
                case UNKNOWN -> "merge " + with + " cannot be forecast: " + c.reason().orElse("");
            };
            json.put("other", changed.other()).put("intoBase", intoBase).put("outcome", c.outcome().name());
        } else if (event instanceof OrchestratorEvent.MergeFinished finished) {
            MergeResult r = finished.result();
            text = switch (r.outcome()) {
                case MERGED -> "merged into " + r.baseBranch() + r.mergedCommit().map(c -> " as " + c.substring(0, Math.min(7, c.length()))).orElse("");
                case CONFLICT -> "merge into " + r.baseBranch() + " refused, conflicts in " + String.join(", ", r.conflicts());
                default -> "merge into " + r.baseBranch() + " refused (" + r.outcome().name().toLowerCase(java.util.Locale.ROOT)
                        .replace('_', ' ') + "): " + AgentDoing.shorten(r.message(), 300);
            };
            json.put("outcome", r.outcome().name());
        } else if (event instanceof OrchestratorEvent.AgentStalled stalled) {
            text = "the agent has printed nothing for " + stalled.silentFor().toSeconds() + " s";
        } else if (event instanceof OrchestratorEvent.ReactionTaken reaction) {
            text = reaction.reaction() + ": " + AgentDoing.shorten(reaction.action(), 300)
                    + (reaction.attempt() > 0 ? " (attempt " + reaction.attempt() + ")" : "");
            json.put("reaction", reaction.reaction());
        } else if (event instanceof OrchestratorEvent.SessionUpdated updated) {
            // No state change: a field moved (a hold, a release, a prompt queued, cost). The hold is the one a person
            // must see in the feed; the card says the rest.
            Session now = updated.snapshot();
            String why = now.attention().substring(Math.min(Session.HANDED_OVER.length(), now.attention().length())).strip();
            text = now.isHandedOver() ? "held by a person: " + AgentDoing.shorten(why, 300)
                    : "updated" + (now.pendingPrompts().isEmpty() ? "" : ", " + now.pendingPrompts().size() + " prompt(s) waiting");
        } else if (event instanceof OrchestratorEvent.SessionRemoved) {
            text = "removed";
        } else {
            // Kinds this page does not know yet (the core adds some) still show up, by name.
            text = event.getClass().getSimpleName();
        }
        return json.put("text", text);
    }

    static String describe(AgentEvent e) {
        if (e instanceof AgentEvent.Started started) {
            return "started conversation " + started.agentSessionId() + started.model().map(m -> " (" + m + ")").orElse("");
        } else if (e instanceof AgentEvent.AssistantText text) {
            return AgentDoing.shorten(text.text(), 2000);
        } else if (e instanceof AgentEvent.ToolUse use) {
            return "tool " + use.tool() + (use.summary().isEmpty() ? "" : ": " + AgentDoing.shorten(use.summary(), 300));
        } else if (e instanceof AgentEvent.ToolResult result) {
            return (result.error() ? "tool error: " : "tool result: ") + AgentDoing.shorten(result.content(), 300);
        } else if (e instanceof AgentEvent.PermissionDenied denied) {
            return "refused tool " + denied.tool() + (denied.detail().isEmpty() ? "" : ": " + AgentDoing.shorten(denied.detail(), 300));
        } else if (e instanceof AgentEvent.Question question) {
            return "asks: " + AgentDoing.shorten(question.text(), 2000);
        } else if (e instanceof AgentEvent.Progress p) {
            return "progress " + p.completed() + "/" + p.total() + (p.currentTask().isEmpty() ? "" : ": " + p.currentTask());
        } else if (e instanceof AgentEvent.TurnFinished turn) {
            return (turn.error() ? "turn failed" : "turn finished") + String.format(" ($%.2f, %d turns)", turn.costUsd(), turn.turns())
                    + (turn.text().isEmpty() ? "" : ": " + AgentDoing.shorten(turn.text(), 300));
        } else if (e instanceof AgentEvent.Raw raw) {
            return "raw " + raw.type();
        }
        return e.getClass().getSimpleName();
    }

    static ObjectNode groups() {
        ObjectNode json = Responses.JSON.createObjectNode();
        for (SessionGroup g : SessionGroup.values()) {
            json.putObject(g.name()).put("title", g.title()).put("needsAttention", g.needsAttention());
        }
        return json;
    }

    static ArrayNode strings(Iterable<String> values) {
        ArrayNode array = Responses.JSON.createArrayNode();
        values.forEach(array::add);
        return array;
    }
}
