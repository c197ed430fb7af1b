package dev.agentorchestrator;

import dev.agentorchestrator.spi.Reaction;
import java.util.Objects;
import java.util.Optional;

/**
 * The reactions the library ships. {@link #ciFailureFeedback()} and {@link #turnTimeoutFeedback()}
 * are on by default; {@code Orchestrator.Builder.reactions(...)} replaces the list.
 */
public final class Reactions {

    /** The default follow-up for red CI; see {@link #ciFailureFeedback(String)} for the placeholders. */
    public static final String DEFAULT_CI_TEMPLATE = String.join("\n",
            "The project's tests failed on your latest commit ({commit}): {summary}.",
            "{failures}",
            "The end of the test output:",
            "{outputTail}",
            "Fix the cause, run the tests yourself, and commit the fix.");

    /** The default follow-up for a turn that ran over the time limit. */
    public static final String DEFAULT_TURN_TEMPLATE = "Your last turn was stopped: {reason}. Continue the task"
            + " from where you were; commit your work when it is done.";

    /** The follow-up of {@link #mergeConflictResolution()}; {@code {reason}} is the conflict, with the base and the paths. */
    public static final String DEFAULT_MERGE_CONFLICT_TEMPLATE = "Your branch could not be merged: {reason}. Merge the"
            + " base branch into your branch here in your worktree, resolve every conflict keeping both sides' intent,"
            + " run the tests, and commit the merge.";

    private Reactions() {
    }

    /**
     * Asks the agent to merge the base branch into its own branch and resolve the conflicts in its
     * worktree, when a merge (alone or in the merge queue) conflicts. Its new commit then goes
     * through CI again, and the feature can be merged once it is green. Not on by default (a
     * person may prefer to choose which side wins): add it with
     * {@code Orchestrator.Builder.reaction(Reactions.mergeConflictResolution())}.
     */
    public static Reaction mergeConflictResolution() {
        return new Reaction() {
            @Override
            public String name() {
                return "merge-conflict-resolution";
            }

            @Override
            public Optional<Action> react(Trigger t) {
                if (t.kind() != Kind.MERGE_CONFLICT) {
                    return Optional.empty();
                }
                return Optional.of(new Action.FollowUp(DEFAULT_MERGE_CONFLICT_TEMPLATE.replace("{reason}", t.reason())));
            }
        };
    }

    /** Sends red CI back to the agent with the failing tests, their messages and the output's tail. */
    public static Reaction ciFailureFeedback() {
        return ciFailureFeedback(DEFAULT_CI_TEMPLATE);
    }

    /**
     * Like {@link #ciFailureFeedback()}, with the host's prompt template. Placeholders:
     * {@code {commit}}, {@code {summary}}, {@code {failures}} (one line per failing test: name and
     * message), {@code {outputTail}} (the last lines of the run's output), {@code {logFile}}.
     */
    public static Reaction ciFailureFeedback(String template) {
        Objects.requireNonNull(template, "template");
        return new Reaction() {
            @Override
            public String name() {
                return "ci-failure-feedback";
            }

            @Override
            public Optional<Action> react(Trigger t) {
                if (t.kind() != Kind.CI_RED || t.ci().isEmpty()) {
                    return Optional.empty();
                }
                CiResult ci = t.ci().get();
                StringBuilder failures = new StringBuilder();
                for (TestFailure f : ci.failures()) {
                    failures.append("- ").append(f.displayName()).append(": ").append(f.message()).append('\n');
                }
                String prompt = template.replace("{commit}", ci.commit().substring(0, Math.min(7, ci.commit().length())))
                        .replace("{summary}", ci.summary())
                        .replace("{failures}", failures.length() == 0 ? "" : "Failing tests:\n" + failures.toString().strip())
                        .replace("{outputTail}", ci.outputTail().isBlank() ? "(no output)" : ci.outputTail().strip())
                        .replace("{logFile}", ci.logFile().map(Object::toString).orElse("(none)"));
                return Optional.of(new Action.FollowUp(prompt));
            }
        };
    }

    /**
     * Asks the agent to go on after its turn ran over the time limit. A turn that failed with the
     * agent's own error is left to a person (a retry would most often fail the same way).
     */
    public static Reaction turnTimeoutFeedback() {
        return new Reaction() {
            @Override
            public String name() {
                return "turn-timeout-feedback";
            }

            @Override
            public Optional<Action> react(Trigger t) {
                if (t.kind() != Kind.TURN_TIMED_OUT || t.session().agentSessionId().isEmpty()) {
                    return Optional.empty(); // without a conversation to resume, a retry would start the task over
                }
                return Optional.of(new Action.FollowUp(DEFAULT_TURN_TEMPLATE.replace("{reason}", t.reason())));
            }
        };
    }
}
