package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.Overlap;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.spi.SessionRecord;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HOLD overlap policy (issue 17): of two sessions that change the same files, the one added
 * later is held before its next agent turn while the overlap lasts. The hold is the session's
 * attention ({@code held: ...}, see {@link Session#isHeld()}), so it is stored, shown in the status
 * and survives a restart; the scheduler does not start held work and the agent-turn step takes no
 * further follow-up while it is set. A person releases a session by prompting it (a prompt clears
 * the attention): it is then not held again for the same overlap, only for one that grows.
 * Called on the coordinator's thread after each refresh.
 */
final class OverlapHolds {
    /** The start of this policy's holds' attention. */
    private static final String OVERLAP_HOLD = Session.HELD + " overlaps with ";

    private final Lifecycle lifecycle;
    /** The overlap (as a key) each session is held for by this engine. */
    private final Map<String, String> holding = new ConcurrentHashMap<>();
    /** The overlap (as a key) a person released each session from. */
    private final Map<String, String> released = new ConcurrentHashMap<>();

    OverlapHolds(Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    /** Holds and releases to match {@code overlaps}; with {@code enabled} false only lifts holds (a previous engine's). */
    void apply(List<Overlap> overlaps, boolean enabled) {
        Map<String, TreeMap<String, TreeSet<String>>> wanted = new TreeMap<>();
        if (enabled) {
            for (Overlap o : overlaps) {
                Optional<SessionRecord> a = lifecycle.find(o.sessions().get(0));
                Optional<SessionRecord> b = lifecycle.find(o.sessions().get(1));
                if (a.isEmpty() || b.isEmpty()) {
                    continue;
                }
                SessionRecord later = later(a.get(), b.get());
                String other = later == a.get() ? b.get().name() : a.get().name();
                wanted.computeIfAbsent(later.name(), k -> new TreeMap<>()).computeIfAbsent(other, k -> new TreeSet<>())
                        .addAll(o.files());
            }
        }
        for (SessionRecord r : lifecycle.all()) {
            String name = r.name();
            TreeMap<String, TreeSet<String>> with = wanted.get(name);
            String key = with == null ? null : key(with);
            String mine = holding.get(name);
            if (mine != null && !isOverlapHold(r)) {
                holding.remove(name);
                released.put(name, mine); // a person prompted it (or its attention was taken for something else)
            }
            if (key == null) {
                released.remove(name);
                if (isOverlapHold(r)) {
                    holding.remove(name);
                    lifecycle.change(name, "", c -> isOverlapHold(c) ? c.toBuilder().attention("") : c.toBuilder());
                    lifecycle.note(name, "no longer held: the overlap cleared");
                }
                continue;
            }
            boolean covered = released.containsKey(name) && covers(released.get(name), with);
            boolean otherAttention = !r.attention().isEmpty() && !isOverlapHold(r);
            if (covered || otherAttention || key.equals(holding.get(name))) {
                continue; // released from it, already waiting for a person for another reason, or held for it already
            }
            String why = reason(with);
            holding.put(name, key);
            released.remove(name);
            lifecycle.change(name, "", c -> c.attention().isEmpty() || isOverlapHold(c) ? c.toBuilder().attention(why)
                    : c.toBuilder());
            lifecycle.note(name, why);
        }
    }

    /** This policy's own holds; a host's ({@code Orchestrator.hold}) are not its to lift or replace. */
    private static boolean isOverlapHold(SessionRecord r) {
        return r.attention().startsWith(OVERLAP_HOLD);
    }

    /** True when the overlap a person released the session from includes everything it overlaps now. */
    private static boolean covers(String releasedKey, TreeMap<String, TreeSet<String>> now) {
        Set<String> released = pairs(releasedKey);
        return released.containsAll(pairs(key(now)));
    }

    /** An overlap as a key: one line per other session and file, sorted. */
    private static String key(TreeMap<String, TreeSet<String>> with) {
        StringBuilder out = new StringBuilder();
        with.forEach((other, files) -> files.forEach(f -> out.append(other).append('\0').append(f).append('\n')));
        return out.toString();
    }

    private static Set<String> pairs(String key) {
        return new java.util.HashSet<>(List.of(key.split("\n")));
    }

    private static SessionRecord later(SessionRecord a, SessionRecord b) {
        return Comparator.comparing(SessionRecord::createdAt).thenComparing(SessionRecord::name).compare(a, b) > 0 ? a : b;
    }

    private static String reason(TreeMap<String, TreeSet<String>> with) {
        StringBuilder out = new StringBuilder(OVERLAP_HOLD);
        with.forEach((other, files) -> out.append(other).append(" on ").append(String.join(", ", files)).append("; "));
        return out.append("its next turn waits until the overlap clears (merge or change the other session),"
                + " or prompt it to release it").toString();
    }
}
