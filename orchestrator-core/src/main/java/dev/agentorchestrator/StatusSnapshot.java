package dev.agentorchestrator;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every session of an orchestrator at one moment. Immutable; take another to see changes.
 *
 * @param takenAt  when the snapshot was taken
 * @param sessions the sessions, in the order their features were added
 */
public record StatusSnapshot(Instant takenAt, List<Session> sessions) {

    public StatusSnapshot {
        Objects.requireNonNull(takenAt, "takenAt");
        sessions = List.copyOf(sessions);
    }

    /** The session of that name, if it is in the snapshot. */
    public Optional<Session> session(String name) {
        return sessions.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** How many sessions are in each state (states with none are left out). */
    public Map<SessionState, Integer> countByState() {
        Map<SessionState, Integer> counts = new EnumMap<>(SessionState.class);
        sessions.forEach(s -> counts.merge(s.state(), 1, Integer::sum));
        return Collections.unmodifiableMap(counts);
    }

    /** Model cost of all sessions so far, in US dollars. */
    public double totalCostUsd() {
        return sessions.stream().mapToDouble(Session::costUsd).sum();
    }

    /** True when no session has anything running or queued. */
    public boolean allSettled() {
        return sessions.stream().allMatch(s -> s.state().isSettled());
    }

    /** A plain-text table for terminals and logs: one row per session. */
    public String toTable() {
        String format = "%-24s %-18s %-9s %-8s %s%n";
        StringBuilder out = new StringBuilder(String.format(format, "FEATURE", "STATE", "PROGRESS", "COST", "MESSAGE"));
        for (Session s : sessions) {
            String progress = s.progress().total() == 0 ? "-" : s.progress().completed() + "/" + s.progress().total();
            String message = s.message().replace('\n', ' ');
            if (message.length() > 60) {
                message = message.substring(0, 57) + "...";
            }
            out.append(String.format(format, s.name(), s.state(), progress, String.format("$%.2f", s.costUsd()), message));
        }
        return out.toString();
    }
}
