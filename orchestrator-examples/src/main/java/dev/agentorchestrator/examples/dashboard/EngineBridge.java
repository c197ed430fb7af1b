package dev.agentorchestrator.examples.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.RemoveRequest;
import dev.agentorchestrator.Session;

/**
 * Everything the dashboard needs from the core that is changing or not there yet, in one place,
 * so that each arrives as a small change here (and a flag the page already understands):
 *
 * <ul>
 *   <li>the conflict forecast matrix ({@link #forecast}): the core's {@code forecast()};</li>
 *   <li>the merge queue ({@link #mergeQueue}) and the merge action ({@link #merge});</li>
 *   <li>running CI on request ({@link #runCi});</li>
 *   <li>the failing tests of a CI run ({@link #ciFailures}): {@code CiResult.failures()};</li>
 *   <li>files changed and overlaps per session ({@link #changes});</li>
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
     * The conflict forecast for every pair of live sessions. When the core has it, return
     * {@code {"available":true,"sessions":[names],"cells":[{"a":..,"b":..,"conflict":bool,"paths":[..]}]}}:
     * the page draws that matrix already.
     */
    static ObjectNode forecast(Orchestrator orchestrator) {
        return notAvailable("The conflict forecast");
    }

    /**
     * The merge queue. When the core has it, return
     * {@code {"available":true,"entries":[{"session":..,"state":..,"detail":..}]}}.
     */
    static ObjectNode mergeQueue(Orchestrator orchestrator) {
        return notAvailable("The merge queue");
    }

    /** What the page may offer; a false flag keeps its button disabled with a tooltip saying why. */
    static ObjectNode capabilities() {
        return Responses.JSON.createObjectNode()
                .put("merge", false)
                .put("runCi", false)
                .put("forecast", false)
                .put("mergeQueue", false);
    }

    /** Merges a session; throws until the merge queue exists (the core removed {@code merge} until then). */
    static ObjectNode merge(Orchestrator orchestrator, String session, String strategy) {
        throw new UnsupportedOperationException("Merging from the dashboard is not available yet: the engine's merge"
                + " queue does not exist. Merge the branch with git for now.");
    }

    /** Runs CI now on a session's newest commit; throws until the core offers it. */
    static ObjectNode runCi(Orchestrator orchestrator, String session) {
        throw new UnsupportedOperationException("Running CI from the dashboard is not available yet: the engine has no"
                + " way to start a CI run on request.");
    }

    /**
     * The failing tests of a CI run as {@code [{"name":..,"message":..}]}. Empty until
     * {@code CiResult} carries them; then map {@code result.failures()} here.
     */
    static ArrayNode ciFailures(CiResult result) {
        return Responses.JSON.createArrayNode();
    }

    /**
     * Files changed and overlaps with other sessions, as
     * {@code {"available":..,"filesChanged":..,"linesAdded":..,"linesRemoved":..,"overlaps":[{"session":..,"files":[..]}]}}.
     * Not available until the engine publishes them.
     */
    static ObjectNode changes(Orchestrator orchestrator, Session session) {
        return notAvailable("Files changed");
    }

    /** Removes a session, its worktree and (unless kept) its branch. */
    static void remove(Orchestrator orchestrator, String session, boolean keepBranch, boolean force) {
        RemoveRequest request = RemoveRequest.of(session);
        request = keepBranch ? request.keepBranch() : request;
        orchestrator.remove(force ? request.force() : request);
    }
}
