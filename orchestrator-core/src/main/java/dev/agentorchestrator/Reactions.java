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

    private Reactions() {
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
