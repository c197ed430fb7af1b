package dev.agentorchestrator.spi;

import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.Session;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides what the orchestrator does by itself when a session's work goes wrong, so that a person
 * does not have to relay the message: send the agent a follow-up prompt, or mark the session as
 * needing a person. The library ships {@link dev.agentorchestrator.Reactions#ciFailureFeedback()}
 * and {@link dev.agentorchestrator.Reactions#turnTimeoutFeedback()}; a host adds its own with
 * {@code Orchestrator.Builder.reaction(...)}. Reactions are asked in the order they were added;
 * the first that answers wins.
 *
 * <p>The engine bounds the loop: after {@code maxReactionAttempts} follow-ups without a green CI
 * run, a follow-up turns into "needs attention". Every reaction taken is an
 * {@link dev.agentorchestrator.OrchestratorEvent.ReactionTaken} event and a transcript line.
 *
 * <pre>{@code
 * Reaction lint = trigger -> trigger.kind() == Reaction.Kind.CI_RED && trigger.ci().map(c -> c.summary().contains("lint")).orElse(false)
 *         ? Optional.of(new Reaction.Action.FollowUp("Fix the lint errors: " + trigger.ci().get().summary()))
 *         : Optional.empty();
 * }</pre>
 */
@FunctionalInterface
public interface Reaction {

    /** What went wrong. */
    enum Kind {
        /** A CI run on the session's branch head was red (failed, errored, timed out). */
        CI_RED,
        /** The agent's turn failed with its own error. */
        TURN_FAILED,
        /** The agent's turn ran over the session time limit and was stopped. */
        TURN_TIMED_OUT,
        /**
         * Merging the session's branch into its base conflicts; the reason names the base and the
         * conflicting paths. Nothing moved; the session is READY_TO_MERGE.
         */
        MERGE_CONFLICT
    }

    /**
     * What happened.
     *
     * @param kind     what went wrong
     * @param session  the session as stored now
     * @param ci       the CI result, for {@link Kind#CI_RED}
     * @param reason   the failure in a sentence (the CI summary or the agent's error)
     * @param attempts follow-ups reactions already sent since CI was last green
     */
    record Trigger(Kind kind, Session session, Optional<CiResult> ci, String reason, int attempts) {
        public Trigger {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(ci, "ci");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** What the orchestrator does. */
    sealed interface Action {
        /** Sends the agent this follow-up prompt (it resumes its conversation). */
        record FollowUp(String prompt) implements Action {
            public FollowUp {
                Objects.requireNonNull(prompt, "prompt");
            }
        }

        /** Marks the session as needing a person, with the reason. */
        record NeedsAttention(String reason) implements Action {
            public NeedsAttention {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }

    /** A short name for events and the transcript. */
    default String name() {
        return getClass().getSimpleName().isEmpty() ? "reaction" : getClass().getSimpleName();
    }

    /** What to do about {@code trigger}; empty to leave it to the next reaction (or to nobody). */
    Optional<Action> react(Trigger trigger);
}
