package dev.agentorchestrator.internal.notify;

import dev.agentorchestrator.EventSubscription;
import dev.agentorchestrator.Events;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.StatusSnapshot;
import dev.agentorchestrator.spi.Notification;
import dev.agentorchestrator.spi.Notifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the orchestrator's events into {@link Notification}s and hands them to the host's
 * {@link Notifier}s on a thread of its own, in order, so that a slow or dead webhook never delays
 * the engine or the other listeners. The engine wires it with one call:
 *
 * <pre>{@code
 * AutoCloseable notifications = NotificationBridge.start(events, this::status, notifiers);
 * ...
 * notifications.close(); // first thing in the orchestrator's close
 * }</pre>
 *
 * <p>What is sent: a {@code StateChanged} to WAITING_FOR_INPUT, FAILED (as NEEDS_ATTENTION),
 * READY_TO_MERGE or MERGED, and ALL_SETTLED each time the status goes from not all settled to all
 * settled (and holds at least one session). The events are delivered to the bridge's listener
 * asynchronously while the status supplier is live, so the status can be ahead of the events
 * the bridge has seen; settledness is only judged on a status that matches them (the same
 * sessions at the same revisions). That keeps ALL_SETTLED after the notification of the change
 * that settled the last session, and requires of the supplier that it shows every change before
 * the change's event is published, as the engine's in-memory status does.
 *
 * <p>The queue is bounded; when it is full the oldest notification is dropped, with a warning.
 * A notifier that throws is logged and the next one goes on. {@link #close()} waits up to its
 * grace for the events already published and the queued notifications to go out, then stops.
 */
public final class NotificationBridge implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NotificationBridge.class);

    /** Notifications waiting at most, before the oldest is dropped. */
    public static final int DEFAULT_CAPACITY = 1_000;
    /** How long {@link #close()} waits for what is already under way to be delivered. */
    public static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(5);
    private static final int MAX_MESSAGE = 300;

    private final Supplier<StatusSnapshot> status;
    private final List<Notifier> notifiers;
    private final int capacity;
    private final Duration closeGrace;
    private final Thread worker;
    private EventSubscription subscription;

    // Guarded by this: what the events told so far, and the queue the worker drains.
    private final Map<String, Long> seenRevisions = new HashMap<>();
    private final ArrayDeque<Notification> queue = new ArrayDeque<>();
    private boolean settled;
    private boolean delivering;
    private boolean closed;
    private long dropped;
    private long handed;

    private NotificationBridge(Supplier<StatusSnapshot> status, List<Notifier> notifiers, int capacity, Duration closeGrace) {
        this.status = status;
        this.notifiers = notifiers;
        this.capacity = capacity;
        this.closeGrace = closeGrace;
        this.worker = new Thread(this::deliverLoop, "agent-orchestrator-notifications");
        // A host that forgets close() must still be able to exit.
        worker.setDaemon(true);
    }

    /** Starts a bridge with the default capacity and close grace; with no notifiers it does nothing. */
    public static NotificationBridge start(Events events, Supplier<StatusSnapshot> status, List<? extends Notifier> notifiers) {
        return start(events, status, notifiers, DEFAULT_CAPACITY, DEFAULT_CLOSE_GRACE);
    }

    /**
     * Subscribes to {@code events} and starts the delivery thread.
     *
     * @param events     the orchestrator's events
     * @param status     the orchestrator's live status; see the class comment for what it must show
     * @param notifiers  where notifications go, each in turn; with none, nothing is subscribed or started
     * @param capacity   notifications waiting at most before the oldest is dropped, from 1
     * @param closeGrace how long {@link #close()} waits for delivery of what is under way
     */
    public static NotificationBridge start(Events events, Supplier<StatusSnapshot> status, List<? extends Notifier> notifiers,
                                           int capacity, Duration closeGrace) {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(closeGrace, "closeGrace");
        if (capacity < 1) {
            throw new IllegalArgumentException("the notification queue needs a capacity of at least 1, not " + capacity);
        }
        NotificationBridge bridge = new NotificationBridge(status, List.copyOf(notifiers), capacity, closeGrace);
        if (bridge.notifiers.isEmpty()) {
            bridge.closed = true;
            return bridge;
        }
        synchronized (bridge) {
            // Subscribe before seeding, under the lock: an event of a change after the seed waits for it,
            // and one of a change before it is recognised as already seen by its revision.
            bridge.subscription = events.subscribe(bridge::onEvent);
            StatusSnapshot first = status.get();
            first.sessions().forEach(s -> bridge.seenRevisions.put(s.name(), s.revision()));
            bridge.settled = first.allSettled();
        }
        bridge.worker.start();
        return bridge;
    }

    private synchronized void onEvent(OrchestratorEvent event) {
        if (closed) {
            return;
        }
        if (event instanceof OrchestratorEvent.StateChanged changed) {
            seen(changed.session(), changed.revision());
            toNotification(changed).ifPresent(this::enqueue);
        } else if (event instanceof OrchestratorEvent.SessionUpdated updated) {
            seen(updated.session(), updated.snapshot().revision());
            // A reaction that gave up, a budget reached, uncommitted work flagged: the session needs a person.
            String attention = updated.snapshot().attention();
            String before = attentionSeen.put(updated.session(), attention);
            if (!attention.isEmpty() && !attention.equals(before)) {
                enqueue(Notification.about(Notification.Kind.NEEDS_ATTENTION, updated.snapshot(),
                        updated.session() + " needs attention: " + oneLine(attention), event.at()));
            }
        } else if (event instanceof OrchestratorEvent.FeatureAdded added) {
            seen(added.session(), added.snapshot().revision());
        } else if (event instanceof OrchestratorEvent.SessionRemoved removed) {
            seenRevisions.remove(removed.session());
        } else {
            return; // activity, CI output, slots: nothing stored changed, so settledness did not either
        }
        StatusSnapshot now = status.get();
        if (matchesSeen(now)) {
            boolean allSettled = now.allSettled();
            if (allSettled && !settled && !now.sessions().isEmpty()) {
                enqueue(Notification.allSettled(allSettledMessage(now), event.at()));
            }
            settled = allSettled;
        }
        notifyAll(); // close() may be waiting to catch up with the status
    }

    private final java.util.Map<String, String> attentionSeen = new java.util.HashMap<>();

    private void seen(String session, long revision) {
        seenRevisions.merge(session, revision, Math::max);
    }

    private boolean matchesSeen(StatusSnapshot snapshot) {
        if (snapshot.sessions().size() != seenRevisions.size()) {
            return false;
        }
        for (Session s : snapshot.sessions()) {
            Long seen = seenRevisions.get(s.name());
            if (seen == null || seen != s.revision()) {
                return false;
            }
        }
        return true;
    }

    static java.util.Optional<Notification> toNotification(OrchestratorEvent.StateChanged e) {
        Session s = e.snapshot();
        String reason = e.message().isBlank() ? "" : ": " + oneLine(e.message());
        Notification.Kind kind;
        String text;
        switch (e.to()) {
            case WAITING_FOR_INPUT -> {
                kind = Notification.Kind.WAITING_FOR_INPUT;
                text = s.name() + " is waiting for input" + reason;
            }
            case FAILED -> {
                kind = Notification.Kind.NEEDS_ATTENTION;
                text = s.name() + " failed and needs attention" + reason;
            }
            case READY_TO_MERGE -> {
                kind = Notification.Kind.READY_TO_MERGE;
                text = s.name() + " is ready to merge into " + s.baseBranch() + reason;
            }
            case MERGED -> {
                kind = Notification.Kind.MERGED;
                text = s.name() + " was merged into " + s.baseBranch() + reason;
            }
            default -> {
                return java.util.Optional.empty();
            }
        }
        return java.util.Optional.of(Notification.about(kind, s, text, e.at()));
    }

    private static String allSettledMessage(StatusSnapshot s) {
        Map<SessionState, Integer> counts = s.countByState();
        String byState = counts.entrySet().stream().map(c -> c.getValue() + " " + c.getKey())
                .collect(Collectors.joining(", "));
        int n = s.sessions().size();
        return "All " + n + " session" + (n == 1 ? " has" : "s have") + " settled: " + byState;
    }

    private static String oneLine(String text) {
        String line = text.strip().replaceAll("\\s*\\R\\s*", " ");
        return line.length() > MAX_MESSAGE ? line.substring(0, MAX_MESSAGE - 3) + "..." : line;
    }

    private void enqueue(Notification n) {
        if (queue.size() >= capacity) {
            Notification oldest = queue.pollFirst();
            dropped++;
            log.warn("The notification queue is full ({} waiting; a notifier is slow or down); dropped the oldest: {} {}",
                    capacity, oldest.kind(), oldest.session().isEmpty() ? "" : "for '" + oldest.session() + "'");
        }
        queue.addLast(n);
        notifyAll();
    }

    private void deliverLoop() {
        while (true) {
            Notification next;
            synchronized (this) {
                delivering = false;
                notifyAll();
                while (queue.isEmpty()) {
                    if (closed) {
                        return;
                    }
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                next = queue.pollFirst();
                delivering = true;
            }
            for (Notifier notifier : notifiers) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                try {
                    notifier.send(next);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    log.warn("Notifier {} threw on the {} notification; the next notifications still go to it",
                            name(notifier), next.kind(), e);
                }
            }
            synchronized (this) {
                handed++;
            }
        }
    }

    private static String name(Notifier n) {
        try {
            return n.name();
        } catch (RuntimeException e) {
            return n.getClass().getName();
        }
    }

    /** Notifications given to every notifier so far (whether or not the notifier managed to deliver them). */
    public synchronized long handedCount() {
        return handed;
    }

    /** Notifications dropped because the queue was full. */
    public synchronized long droppedCount() {
        return dropped;
    }

    /** Notifications waiting for the delivery thread. */
    public synchronized int pendingCount() {
        return queue.size();
    }

    /**
     * Stops: waits up to the close grace for the events of changes the status already shows and
     * for the queued notifications to be handed out, then unsubscribes and ends the delivery thread,
     * interrupting a notifier still at work. Closing twice is harmless.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + closeGrace.toNanos();
        synchronized (this) {
            if (closed) {
                return;
            }
            try {
                while (!matchesSeen(status.get()) && waitUntil(deadline)) {
                    // waiting for the events of the last changes to reach the bridge
                }
                closed = true;
                notifyAll();
                while ((!queue.isEmpty() || delivering) && waitUntil(deadline)) {
                    // waiting for the queued notifications to go out
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closed = true;
            if (!queue.isEmpty() || delivering) {
                log.warn("Closing with {} notification(s) not yet handed to the notifiers after {}; they are dropped",
                        queue.size() + (delivering ? 1 : 0), closeGrace);
                queue.clear();
            }
        }
        if (subscription != null) {
            subscription.close();
        }
        worker.interrupt();
        try {
            worker.join(Duration.ofSeconds(1).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits on the monitor until notified or the deadline; false once the deadline has passed. */
    private boolean waitUntil(long deadline) throws InterruptedException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        wait(Math.max(1, left / 1_000_000));
        return true;
    }

    @Override
    public String toString() {
        return "NotificationBridge[" + notifiers.size() + " notifier(s), " + pendingCount() + " waiting, "
                + droppedCount() + " dropped]";
    }
}
