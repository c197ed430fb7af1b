package dev.agentorchestrator.examples.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.IllegalStateTransitionException;
import dev.agentorchestrator.InvalidFeatureNameException;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorException;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.UnknownSessionException;
import java.util.Set;

/**
 * What the page's buttons do. Each takes the request's JSON body and returns the result, or throws
 * {@link ActionException} with the HTTP status and the message the page shows.
 */
final class Actions {

    /** The verbs under {@code /dashboard/actions/}. */
    static final Set<String> VERBS = Set.of("prompt", "stop", "resume", "remove", "merge", "ci", "merge-all",
            "hold", "release");

    /** What a resumed session is told when the person typed nothing. */
    static final String RESUME_PROMPT = "Continue where you left off.";

    /** Why a session held from the page is held when the person typed no reason; it says how to end the hold. */
    static final String HOLD_REASON = "a person took it over from the dashboard; release it there";

    static final class ActionException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        ActionException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final Orchestrator orchestrator;
    private final EventJournal journal;

    Actions(Orchestrator orchestrator, EventJournal journal) {
        this.orchestrator = orchestrator;
        this.journal = journal;
    }

    ObjectNode run(String verb, JsonNode body) {
        if (verb.equals("merge-all")) {
            // The one action about no session in particular: the merge queue, in its order.
            try {
                return Responses.JSON.createObjectNode().put("ok", true).put("action", verb)
                        .setAll(EngineBridge.mergeAll(orchestrator));
            } catch (OrchestratorException e) {
                throw new ActionException(409, e.getMessage());
            }
        }
        String session = text(body, "session", true);
        try {
            ObjectNode result = Responses.JSON.createObjectNode().put("ok", true).put("action", verb).put("session", session);
            switch (verb) {
                case "prompt" -> {
                    String text = text(body, "text", true);
                    Session after = orchestrator.prompt(session, text);
                    done(result, after, after.isHandedOver() ? "Sent; it waits until the session is released." : "Sent.");
                }
                case "resume" -> {
                    String text = text(body, "text", false);
                    Session after = orchestrator.prompt(session, text.isBlank() ? RESUME_PROMPT : text);
                    done(result, after, after.isHandedOver() ? "It resumes when the session is released." : "Resumed.");
                }
                case "stop" -> done(result, orchestrator.stop(session), "Stopped.");
                case "remove" -> {
                    boolean keepBranch = body.path("keepBranch").asBoolean(false);
                    String branch = orchestrator.session(session).branch();
                    EngineBridge.remove(orchestrator, session, keepBranch, body.path("force").asBoolean(false));
                    result.put("message", keepBranch ? "Removed; the branch " + branch + " stays." : "Removed with its branch.");
                }
                case "merge" -> result.setAll(EngineBridge.merge(orchestrator, session, text(body, "strategy", false)));
                case "hold" -> {
                    String why = text(body, "text", false);
                    done(result, orchestrator.hold(session, why.isBlank() ? HOLD_REASON : why),
                            "Held: no agent turn starts until it is released; prompts wait.");
                }
                case "release" -> release(result, session);
                case "ci" -> done(result, EngineBridge.runCi(orchestrator, session), "CI asked for; it runs when a CI slot is free.");
                default -> throw new ActionException(404, "There is no action '" + verb + "'; the actions are " + VERBS + ".");
            }
            return result;
        } catch (UnknownSessionException e) {
            throw new ActionException(404, e.getMessage());
        } catch (IllegalStateTransitionException e) {
            throw new ActionException(409, e.getMessage());
        } catch (InvalidFeatureNameException e) {
            throw new ActionException(400, e.getMessage());
        } catch (UnsupportedOperationException e) {
            throw new ActionException(501, e.getMessage());
        } catch (OrchestratorException e) {
            // Everything else the engine refuses (uncommitted work on remove, a closed orchestrator) is a conflict
            // with the state things are in, and its message says what to do.
            throw new ActionException(409, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ActionException(400, e.getMessage());
        }
    }

    private void release(ObjectNode result, String session) {
        Session before = orchestrator.session(session);
        if (!before.isHandedOver()) {
            // release() does nothing then; say so rather than "Released." (a HOLD-policy hold is lifted by prompting).
            throw new ActionException(409, "Session '" + session + "' is not held by a person"
                    + (before.isHeld() ? " (" + before.attention() + "); send it a prompt to let it go on." : "; there is nothing to release."));
        }
        Session after = orchestrator.release(session);
        int waiting = before.pendingPrompts().size();
        done(result, after, waiting == 0 ? "Released." : "Released; " + waiting + (waiting == 1 ? " prompt that waited starts."
                : " prompts that waited start, in order."));
    }

    private void done(ObjectNode result, Session session, String message) {
        result.put("message", message);
        result.set("sessionState", journal.session(session));
    }

    private static String text(JsonNode body, String field, boolean required) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new ActionException(400, "The request needs a '" + field + "' (a string).");
            }
            return "";
        }
        if (!value.isTextual()) {
            throw new ActionException(400, "'" + field + "' must be a string.");
        }
        if (required && value.asText().isBlank()) {
            throw new ActionException(400, "'" + field + "' must not be empty.");
        }
        return value.asText();
    }
}
