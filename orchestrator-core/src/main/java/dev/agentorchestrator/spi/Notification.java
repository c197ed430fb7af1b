package dev.agentorchestrator.spi;

import dev.agentorchestrator.Session;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Something a person must act on, as a {@link Notifier} receives it: a session waits for an
 * answer, needs help, can be merged, was merged, or every session has settled.
 *
 * @param kind     what happened
 * @param session  the session (feature) it concerns; empty for {@link Kind#ALL_SETTLED}
 * @param message  one readable line for a person, such as {@code auth-api is ready to merge into main}
 * @param snapshot the session as it was when it happened; empty for {@link Kind#ALL_SETTLED}
 * @param at       when it happened
 */
public record Notification(Kind kind, String session, String message, Optional<Session> snapshot, Instant at) {

    /** What a person is told about. */
    public enum Kind {
        /** The agent stopped to ask something or was refused a tool; a follow-up prompt continues it. */
        WAITING_FOR_INPUT,
        /** The session failed or otherwise cannot go on without a person; the message says why. */
        NEEDS_ATTENTION,
        /** CI passed (or none is configured) and the branch can be merged. */
        READY_TO_MERGE,
        /** The branch was merged into its base. */
        MERGED,
        /** Every session is settled: nothing more happens without a request from outside. */
        ALL_SETTLED
    }

    /**
     * Checks the value: a notification about one session names it and carries its snapshot, and
     * {@link Kind#ALL_SETTLED} names none. Breaking that is a programming error of the code that
     * made it, so it throws {@link IllegalArgumentException}, as the JDK's own values do.
     */
    public Notification {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(at, "at");
        if (kind == Kind.ALL_SETTLED) {
            if (!session.isEmpty() || snapshot.isPresent()) {
                throw new IllegalArgumentException("an ALL_SETTLED notification concerns no one session; "
                        + "pass an empty session name and no snapshot (got '" + session + "')");
            }
        } else {
            if (session.isEmpty() || snapshot.isEmpty()) {
                throw new IllegalArgumentException("a " + kind + " notification names its session and carries its "
                        + "snapshot; use Notification.about(kind, snapshot, message, at)");
            }
            if (!snapshot.get().name().equals(session)) {
                throw new IllegalArgumentException("the notification names session '" + session
                        + "' but carries the snapshot of '" + snapshot.get().name() + "'; they must be the same");
            }
        }
    }

    /** A notification about one session, named after its snapshot. */
    public static Notification about(Kind kind, Session snapshot, String message, Instant at) {
        Objects.requireNonNull(snapshot, "snapshot");
        return new Notification(kind, snapshot.name(), message, Optional.of(snapshot), at);
    }

    /** The notification that every session has settled. */
    public static Notification allSettled(String message, Instant at) {
        return new Notification(Kind.ALL_SETTLED, "", message, Optional.empty(), at);
    }
}
