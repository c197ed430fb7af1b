package dev.agentorchestrator;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Every session of an orchestrator at one moment. Immutable; take another to see changes.
 *
 * <p>This is also where "settled" is defined, once, for everyone: {@link Orchestrator#await},
 * {@link Orchestrator#awaitAll} and {@link #allSettled()} all ask {@link #isSettled(String)}.
 *
 * @param takenAt  when the snapshot was taken
 * @param sessions the sessions, in the order their features were added
 * @param overlaps files that two sessions change at once
 * @param forecast the latest conflict forecast for every pair of live sessions and each against its base
 * @param mergeQueue the merge queue, in its order ({@link MergeQueueEntry#ORDER}), with the entries the last run decided
 */
public record StatusSnapshot(Instant takenAt, List<Session> sessions, List<Overlap> overlaps, ForecastMatrix forecast,
                             List<MergeQueueEntry> mergeQueue) {

    public StatusSnapshot {
        Objects.requireNonNull(takenAt, "takenAt");
        sessions = List.copyOf(sessions);
        overlaps = List.copyOf(overlaps);
        Objects.requireNonNull(forecast, "forecast");
        mergeQueue = List.copyOf(mergeQueue);
    }

    /** Sessions, overlaps and forecast, with an empty merge queue. */
    public StatusSnapshot(Instant takenAt, List<Session> sessions, List<Overlap> overlaps, ForecastMatrix forecast) {
        this(takenAt, sessions, overlaps, forecast, List.of());
    }

    /** Sessions only, with no overlaps and an empty forecast. */
    public StatusSnapshot(Instant takenAt, List<Session> sessions) {
        this(takenAt, sessions, List.of(), ForecastMatrix.empty());
    }

    /** The session of that name, if it is in the snapshot. */
    public Optional<Session> session(String name) {
        return sessions.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * True when nothing more will happen to the session without a request from outside: either
     * its state is settled ({@link SessionState#isSettled()}), no follow-up prompt waits and the
     * orchestrator has no work left for it (CI, a queued turn); or it is QUEUED behind a
     * dependency that is itself settled without being far enough for the session's
     * {@link DependencyMode} (failed, stopped, waiting, or ready to merge and not merged for a
     * {@link DependencyMode#SEQUENTIAL} one), or gone, so it would wait for ever; or it is
     * {@link Session#isHeld() held} with only queued work. A session not in the snapshot counts as settled.
     */
    public boolean isSettled(String name) {
        return session(name).map(s -> settled(s, new HashSet<>())).orElse(true);
    }

    private boolean settled(Session s, Set<String> visiting) {
        if (s.state() == SessionState.QUEUED) {
            return blockedForGood(s, visiting);
        }
        if (s.isHeld() && s.state().isSettled() && s.work() == Session.Work.QUEUED) {
            return true; // its next turn waits for the overlap to clear or for a person, like a dependency
        }
        return s.state().isSettled() && s.work() == Session.Work.NONE && s.pendingPrompts().isEmpty();
    }

    private boolean blockedForGood(Session s, Set<String> visiting) {
        if (!visiting.add(s.name())) {
            return true; // a cycle can never start; the engine refuses them, so this is a damaged store
        }
        for (String dep : s.dependsOn()) {
            Optional<Session> d = session(dep);
            if (d.isEmpty() || (!s.dependencyMode().satisfiedBy(d.get()) && settled(d.get(), visiting))) {
                return true;
            }
        }
        return false;
    }

    /** True when every session is settled (see {@link #isSettled(String)}). */
    public boolean allSettled() {
        return sessions.stream().allMatch(s -> isSettled(s.name()));
    }

    /** The sessions that are not settled, by name. */
    public List<String> unsettled() {
        return sessions.stream().map(Session::name).filter(n -> !isSettled(n)).toList();
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

    /** A plain-text table for terminals and logs: one row per session. */
    public String toTable() {
        String format = "%-24s %-18s %-9s %-8s %s%n";
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, format, "FEATURE", "STATE", "PROGRESS", "COST", "MESSAGE"));
        for (Session s : sessions) {
            String progress = s.progress().total() == 0 ? "-" : s.progress().completed() + "/" + s.progress().total();
            String message = s.message().replace('\n', ' ');
            if (message.length() > 60) {
                message = message.substring(0, 57) + "...";
            }
            String state = s.state() + (s.work() == Session.Work.QUEUED && s.state() != SessionState.QUEUED ? "+queued"
                    : s.work() == Session.Work.RUNNING && s.state().isSettled() ? "+working" : "");
            out.append(String.format(Locale.ROOT, format, s.name(), state, progress, String.format(Locale.ROOT, "$%.2f", s.costUsd()), message));
        }
        for (Session s : sessions) {
            if (!s.dependsOn().isEmpty()) {
                out.append("depends: ").append(s.name()).append(s.dependencyMode() == DependencyMode.STACKED
                        ? " stacked on " : " after merge of ").append(String.join(", ", s.dependsOn())).append('\n');
            }
            if (!s.attention().isEmpty()) {
                out.append("attention: ").append(s.name()).append(": ").append(s.attention().replace('\n', ' ')).append('\n');
            }
        }
        for (Overlap o : overlaps) {
            out.append("overlap: ").append(o).append('\n');
        }
        for (ForecastMatrix.Cell c : forecast.conflicts()) {
            out.append("conflict forecast: ").append(c.name()).append(" x ").append(c.other()).append(": ")
                    .append(String.join(", ", c.conflictingPaths())).append('\n');
        }
        for (int i = 0; i < mergeQueue.size(); i++) {
            MergeQueueEntry e = mergeQueue.get(i);
            String detail = e.detail().replace('\n', ' ');
            if (detail.length() > 60) {
                detail = detail.substring(0, 57) + "...";
            }
            out.append(String.format(Locale.ROOT, "merge queue %d: %s (priority %d) %s%s%s%n", i + 1, e.feature(), e.priority(),
                    e.state(), e.outcome().map(o -> " " + o).orElse(""), detail.isBlank() ? "" : ": " + detail));
        }
        return out.toString();
    }

    /** A short summary for logs and JShell: {@code StatusSnapshot[3 sessions: RUNNING=2, QUEUED=1]}. */
    @Override
    public String toString() {
        return "StatusSnapshot[" + sessions.size() + " session" + (sessions.size() == 1 ? "" : "s")
                + (sessions.isEmpty() ? "" : ": " + countByState().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + ", " + b).orElse(""))
                + "]";
    }
}
