package dev.agentorchestrator;

import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * How much the agents may spend. A session that reaches its budget is stopped with a message that
 * says so and marked as needing attention; when the orchestrator's total is reached, every running
 * session is stopped and no new turn starts. Cost is what the agents report (Claude Code reports
 * dollars; agents that report none count as 0).
 *
 * <pre>{@code
 * Orchestrator.builder().budget(Budget.perSession(5.00).withMaxTurnsPerSession(200).withTotal(20.00))
 * }</pre>
 *
 * @param maxUsdPerSession   dollars one session may spend
 * @param maxTurnsPerSession model turns one session may take
 * @param maxUsdTotal        dollars all sessions together may spend
 */
public record Budget(OptionalDouble maxUsdPerSession, OptionalInt maxTurnsPerSession, OptionalDouble maxUsdTotal) {

    /** No limit. */
    public static final Budget NONE = new Budget(OptionalDouble.empty(), OptionalInt.empty(), OptionalDouble.empty());

    public Budget {
        check("maxUsdPerSession", maxUsdPerSession);
        check("maxUsdTotal", maxUsdTotal);
        if (maxTurnsPerSession.isPresent() && maxTurnsPerSession.getAsInt() < 1) {
            throw new ConfigurationException("Budget maxTurnsPerSession must be at least 1, was " + maxTurnsPerSession.getAsInt());
        }
    }

    private static void check(String field, OptionalDouble v) {
        if (v.isPresent() && !(v.getAsDouble() > 0) || v.isPresent() && Double.isInfinite(v.getAsDouble())) {
            throw new ConfigurationException("Budget " + field + " must be a positive number of dollars, was " + v.getAsDouble());
        }
    }

    /** At most {@code usd} dollars per session. */
    public static Budget perSession(double usd) {
        return NONE.withMaxUsdPerSession(usd);
    }

    /** At most {@code usd} dollars for all sessions together. */
    public static Budget total(double usd) {
        return NONE.withTotal(usd);
    }

    public Budget withMaxUsdPerSession(double usd) {
        return new Budget(OptionalDouble.of(usd), maxTurnsPerSession, maxUsdTotal);
    }

    public Budget withMaxTurnsPerSession(int turns) {
        return new Budget(maxUsdPerSession, OptionalInt.of(turns), maxUsdTotal);
    }

    public Budget withTotal(double usd) {
        return new Budget(maxUsdPerSession, maxTurnsPerSession, OptionalDouble.of(usd));
    }

    /** Why {@code session} may not spend more, given all sessions' total; empty while it may. */
    public java.util.Optional<String> exceeded(Session session, double totalUsd) {
        if (maxUsdPerSession.isPresent() && session.costUsd() >= maxUsdPerSession.getAsDouble()) {
            return java.util.Optional.of(String.format(Locale.ROOT, "its budget of $%.2f is spent ($%.2f)",
                    maxUsdPerSession.getAsDouble(), session.costUsd()));
        }
        if (maxTurnsPerSession.isPresent() && session.turns() >= maxTurnsPerSession.getAsInt()) {
            return java.util.Optional.of("its budget of " + maxTurnsPerSession.getAsInt() + " turns is used (" + session.turns() + ")");
        }
        if (maxUsdTotal.isPresent() && totalUsd >= maxUsdTotal.getAsDouble()) {
            return java.util.Optional.of(String.format(Locale.ROOT, "the orchestrator's budget of $%.2f is spent ($%.2f)",
                    maxUsdTotal.getAsDouble(), totalUsd));
        }
        return java.util.Optional.empty();
    }
}
