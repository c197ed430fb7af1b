package dev.agentorchestrator.examples.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.ForecastMatrix;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.Overlap;
import dev.agentorchestrator.RemoveRequest;
import dev.agentorchestrator.Session;
import java.util.List;

/**
 * Everything the dashboard needs from the core that is changing or not there yet, in one place,
 * so that each arrives as a small change here (and a flag the page already understands):
 *
 * <ul>
 *   <li>the conflict forecast matrix ({@link #forecast}): the core's {@code forecast()} (wired);</li>
 *   <li>the merge queue ({@link #mergeQueue}: the engine's stored queue, then the ready sessions
 *       not queued), the merge action with a strategy ({@link #merge}) and
 *       {@link #mergeAll};</li>
 *   <li>running CI on request ({@link #runCi}): the core's {@code runCi} (wired);</li>
 *   <li>the failing tests of a CI run ({@link #ciFailures}): {@code CiResult.failures()};</li>
 *   <li>overlaps per session ({@link #changes}): the core's {@code overlaps()} (wired; the diff stat
 *       beside them comes from {@link DiffStats});</li>
 *   <li>removing with a request object ({@link #remove}): {@code Orchestrator.remove(RemoveRequest)}.</li>
 * </ul>
 */
final class EngineBridge {

    private EngineBridge() {
    }

    /** What the page shows for a feature the core does not offer yet. */
    static ObjectNode notAvailable(String what) {
        return Responses.JSON.createObjectNode().put("available", false)
                .put("reason", what + " is not available yet: the engine does not expose it.");
    }

    /**
     * The conflict forecast, as the page draws it:
     * {@code {"available":true,"sessions":[names],"cells":[{"a","b","outcome","conflict","paths","reason"}],
     * "base":[{"session","branch","outcome","conflict","paths","reason"}]}}.
     */
    static ObjectNode forecast(ForecastMatrix m) {
        ObjectNode json = Responses.JSON.createObjectNode().put("available", true);
        json.set("sessions", DashboardJson.strings(m.names()));
        ArrayNode cells = json.putArray("cells");
        for (ForecastMatrix.Cell c : m.pairs()) {
            cell(cells.addObject().put("a", c.name()).put("b", c.other()), c);
        }
        ArrayNode base = json.putArray("base");
        for (ForecastMatrix.Cell c : m.againstBase()) {
            cell(base.addObject().put("session", c.name()).put("branch", c.other()), c);
        }
        return json;
    }

    private static void cell(ObjectNode json, ForecastMatrix.Cell c) {
        json.put("outcome", c.outcome().name()).put("conflict", c.outcome() == ForecastMatrix.Outcome.CONFLICT);
        json.set("paths", DashboardJson.strings(c.conflictingPaths()));
        c.reason().ifPresentOrElse(r -> json.put("reason", r), () -> json.putNull("reason"));
    }

    /**
     * The merge queue as the page shows it: the engine's stored queue in its order (priority, then
     * arrival; each entry's state and what happened), then the sessions that are ready to merge
     * and not queued (what {@code mergeAll()} would add).
     */
    static ObjectNode mergeQueue(Orchestrator orchestrator) {
        ObjectNode json = Responses.JSON.createObjectNode().put("available", true);
        var entries = json.putArray("entries");
        java.util.Set<String> queued = new java.util.HashSet<>();
        for (var e : orchestrator.status().mergeQueue()) {
            queued.add(e.feature());
            String detail = (e.priority() != 0 ? "priority " + e.priority() + (e.detail().isEmpty() ? "" : ", ") : "") + e.detail();
            entries.addObject().put("session", e.feature()).put("state", e.state().name())
                    .put("detail", detail.isEmpty() ? "queued" : detail);
        }
        for (var s : orchestrator.sessions()) {
            if (!queued.contains(s.name()) && (s.state() == dev.agentorchestrator.SessionState.READY_TO_MERGE
                    || s.state() == dev.agentorchestrator.SessionState.MERGING)) {
                entries.addObject().put("session", s.name()).put("state", s.state().name())
                        .put("detail", s.state() == dev.agentorchestrator.SessionState.MERGING ? "merging into " + s.baseBranch()
                                : "into " + s.baseBranch() + s.lastCi().map(ci -> ", CI " + ci.status().name().toLowerCase()).orElse(""));
            }
        }
        return json;
    }

    /** What the page may offer; a false flag keeps its button disabled with a tooltip saying why. */
    static ObjectNode capabilities() {
        return Responses.JSON.createObjectNode()
                .put("merge", true)
                .put("runCi", true)
                .put("forecast", true)
                .put("mergeQueue", true);
    }

    /** Merges a session now with the strategy named (merge, squash, ff-only, rebase); the result says what happened. */
    static ObjectNode merge(Orchestrator orchestrator, String session, String strategy) {
        dev.agentorchestrator.MergeRequest request = dev.agentorchestrator.MergeRequest.of(session);
        if (strategy != null && !strategy.isBlank()) {
            request = request.withStrategy(dev.agentorchestrator.examples.cli.MergeStrategies.parse(strategy));
        }
        dev.agentorchestrator.MergeResult r = orchestrator.merge(request);
        if (!r.merged()) {
            throw new dev.agentorchestrator.OrchestratorException(r.outcome() + ": " + r.message()); // shown as a 409 with the reason
        }
        return Responses.JSON.createObjectNode().put("outcome", r.outcome().name()).put("message", r.message())
                .put("mergedCommit", r.mergedCommit().orElse(""));
    }

    /**
     * Merges every session that is ready, in the merge queue's order ({@code mergeAll()}); the result
     * lists each outcome, and its message says how many merged and which were refused.
     */
    static ObjectNode mergeAll(Orchestrator orchestrator) {
        List<dev.agentorchestrator.MergeResult> results = orchestrator.mergeAll();
        ObjectNode json = Responses.JSON.createObjectNode();
        ArrayNode list = json.putArray("results");
        StringBuilder refused = new StringBuilder();
        int merged = 0;
        for (dev.agentorchestrator.MergeResult r : results) {
            list.addObject().put("session", r.feature()).put("outcome", r.outcome().name()).put("message", r.message());
            if (r.merged()) {
                merged++;
            } else {
                refused.append(refused.length() == 0 ? "; refused: " : ", ").append(r.feature()).append(" (")
                        .append(r.outcome().name()).append(')');
            }
        }
        return json.put("message", results.isEmpty() ? "Nothing was ready to merge."
                : "Merged " + merged + " of " + results.size() + refused + ".");
    }

    /** Runs CI now on a session's branch head (the core refuses unless it is IDLE or READY_TO_MERGE). */
    static Session runCi(Orchestrator orchestrator, String session) {
        return orchestrator.runCi(session);
    }

    /** The failing tests of a CI run as {@code [{"name":..,"message":..}]}, from {@code CiResult.failures()}. */
    static ArrayNode ciFailures(CiResult result) {
        ArrayNode out = Responses.JSON.createArrayNode();
        result.failures().forEach(f -> out.addObject().put("name", f.displayName()).put("message", f.message()));
        return out;
    }

    /**
     * The overlaps with other sessions, as
     * {@code {"available":true,"overlaps":[{"session":..,"files":[..]}]}}: one entry per other session
     * sharing files with this one. (The card adds the diff stat, counted by {@link DiffStats}.)
     */
    static ObjectNode changes(List<Overlap> overlaps, String session) {
        ObjectNode json = Responses.JSON.createObjectNode().put("available", true);
        ArrayNode list = json.putArray("overlaps");
        for (Overlap o : overlaps) {
            if (!o.involves(session)) {
                continue;
            }
            for (String other : o.sessions()) {
                if (!other.equals(session)) {
                    list.addObject().put("session", other).set("files", DashboardJson.strings(o.files()));
                }
            }
        }
        return json;
    }

    /** Removes a session, its worktree and (unless kept) its branch. */
    static void remove(Orchestrator orchestrator, String session, boolean keepBranch, boolean force) {
        RemoveRequest request = RemoveRequest.of(session);
        request = keepBranch ? request.keepBranch() : request;
        orchestrator.remove(force ? request.force() : request);
    }
}
