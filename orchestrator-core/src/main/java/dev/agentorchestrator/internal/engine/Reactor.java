package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.spi.Reaction;
import dev.agentorchestrator.spi.SessionRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the reactions what to do about red CI or a failed turn and does it: a follow-up prompt is
 * queued (the work that ends then runs it), or the session is marked as needing attention. Counts
 * the follow-ups since CI was last green and turns one over the limit into "needs attention", so a
 * session never loops for ever. Every action is an event and a transcript line.
 */
final class Reactor {
    private static final Logger log = LoggerFactory.getLogger(Reactor.class);

    private final List<Reaction> reactions;
    private final int maxAttempts;
    private final Lifecycle lifecycle;
    private final EventHub events;

    Reactor(List<Reaction> reactions, int maxAttempts, Lifecycle lifecycle, EventHub events) {
        this.reactions = List.copyOf(reactions);
        this.maxAttempts = maxAttempts;
        this.lifecycle = lifecycle;
        this.events = events;
    }

    void react(String name, Reaction.Kind kind, Optional<CiResult> ci, String reason) {
        SessionRecord s = lifecycle.get(name);
        Reaction.Trigger trigger = new Reaction.Trigger(kind, s.view(), ci, reason, s.reactionAttempts());
        for (Reaction r : reactions) {
            Optional<Reaction.Action> action;
            try {
                action = r.react(trigger);
            } catch (RuntimeException e) {
                log.warn("reaction {} failed on session {}; ignored", r.name(), name, e);
                continue;
            }
            if (action.isPresent()) {
                apply(name, r.name(), action.get(), reason);
                return;
            }
        }
    }

    /** Marks the session as needing a person, without a reaction's say (a budget, uncommitted work). */
    void needsAttention(String name, String by, String reason) {
        apply(name, by, new Reaction.Action.NeedsAttention(reason), reason);
    }

    /** Queues a follow-up within the attempt limit, on behalf of {@code by}. */
    void followUp(String name, String by, String prompt, String reason) {
        apply(name, by, new Reaction.Action.FollowUp(prompt), reason);
    }

    private void apply(String name, String by, Reaction.Action action, String reason) {
        String[] done = new String[1];
        int[] attempt = new int[1];
        lifecycle.change(name, "", r -> {
            SessionRecord.Builder b = r.toBuilder();
            if (action instanceof Reaction.Action.FollowUp f && r.reactionAttempts() < maxAttempts) {
                List<String> prompts = new ArrayList<>(r.pendingPrompts());
                prompts.add(f.prompt());
                attempt[0] = r.reactionAttempts() + 1;
                done[0] = "sent the agent a follow-up (attempt " + attempt[0] + " of " + maxAttempts + ")";
                return b.pendingPrompts(prompts).reactionAttempts(attempt[0]);
            }
            String why = action instanceof Reaction.Action.NeedsAttention n ? n.reason()
                    : reason + " (still, after " + r.reactionAttempts() + " follow-up" + (r.reactionAttempts() == 1 ? "" : "s") + ")";
            attempt[0] = 0;
            done[0] = "marked the session as needing attention: " + why;
            return b.attention(why);
        });
        lifecycle.note(name, "reaction " + by + ": " + done[0]);
        events.publish(new OrchestratorEvent.ReactionTaken(lifecycle.now(), name, by, done[0], attempt[0]));
    }
}
