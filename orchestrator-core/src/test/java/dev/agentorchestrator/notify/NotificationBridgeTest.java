package dev.agentorchestrator.notify;

import static dev.agentorchestrator.SessionState.FAILED;
import static dev.agentorchestrator.SessionState.IDLE;
import static dev.agentorchestrator.SessionState.READY_TO_MERGE;
import static dev.agentorchestrator.SessionState.RUNNING;
import static dev.agentorchestrator.SessionState.WAITING_FOR_INPUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.internal.notify.NotificationBridge;
import dev.agentorchestrator.spi.Notification;
import dev.agentorchestrator.spi.Notifier;
import dev.agentorchestrator.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bridge from events to notifiers: what is sent, in which order, on whose thread. */
class NotificationBridgeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final TestSessions.World world = new TestSessions.World();
    private final List<Notification> got = new CopyOnWriteArrayList<>();
    private final Notifier recording = got::add;
    private LoopbackHook hook;

    @BeforeEach
    void startHook() throws Exception {
        hook = LoopbackHook.start();
    }

    @AfterEach
    void stopHook() {
        hook.close();
    }

    private List<String> kindsAndSessions() {
        return got.stream().map(n -> n.kind() + (n.session().isEmpty() ? "" : " " + n.session())).toList();
    }

    private List<String> postedKindsAndSessions() {
        return hook.received().stream().map(r -> {
            try {
                JsonNode b = JSON.readTree(r.body());
                return b.get("kind").asText() + (b.get("session").isNull() ? "" : " " + b.get("session").asText());
            } catch (Exception e) {
                throw new AssertionError(r.body(), e);
            }
        }).toList();
    }

    @Test
    void stateChangesAPersonActsOnBecomeNotificationsInOrder() {
        try (NotificationBridge bridge = NotificationBridge.start(world, world::status, List.of(recording))) {
            world.add("a");
            world.move("a", SessionState.CREATING_WORKTREE, "");
            world.move("a", RUNNING, "");
            world.move("a", WAITING_FOR_INPUT, "Which database should I use?\nPostgres or SQLite?");
            world.move("a", RUNNING, "");
            world.move("a", FAILED, "the agent exited with 1");

            assertEquals(List.of("WAITING_FOR_INPUT a", "ALL_SETTLED", "NEEDS_ATTENTION a", "ALL_SETTLED"), awaitKinds(4),
                    "waiting settles everything, so ALL_SETTLED follows it; after RUNNING it is sent again on FAILED");
            assertEquals("a is waiting for input: Which database should I use? Postgres or SQLite?", got.get(0).message());
            assertEquals(WAITING_FOR_INPUT, got.get(0).snapshot().orElseThrow().state());
            assertEquals("All 1 session has settled: 1 WAITING_FOR_INPUT", got.get(1).message());
            assertEquals("a failed and needs attention: the agent exited with 1", got.get(2).message());
            assertEquals("All 1 session has settled: 1 FAILED", got.get(3).message());
        }
    }

    private List<String> awaitKinds(int n) {
        Await.until(n + " notifications", WAIT, () -> got.size() >= n);
        return kindsAndSessions();
    }

    @Test
    void allSettledIsSentOnceEachTimeEverythingSettlesAndAfterTheChangeThatSettledIt() {
        try (NotificationBridge bridge = NotificationBridge.start(world, world::status, List.of(recording))) {
            world.add("a");
            world.add("b");
            world.move("a", SessionState.CREATING_WORKTREE, "");
            world.move("a", RUNNING, "");
            world.move("a", READY_TO_MERGE, "");
            world.move("b", SessionState.CREATING_WORKTREE, "");
            world.move("b", RUNNING, "");
            world.move("b", IDLE, "");
            world.touch("b");
            world.touch("a");
            assertEquals(List.of("READY_TO_MERGE a", "ALL_SETTLED"), awaitKinds(2));

            world.move("b", RUNNING, "a follow-up");
            world.move("b", WAITING_FOR_INPUT, "which port?");
            world.touch("b");

            assertEquals(List.of("READY_TO_MERGE a", "ALL_SETTLED", "WAITING_FOR_INPUT b", "ALL_SETTLED"), awaitKinds(4),
                    "once per time everything settles, never for a change that keeps it settled");
        }
    }

    @Test
    void aStatusAheadOfTheEventsDoesNotSendAllSettledEarly() {
        try (NotificationBridge bridge = NotificationBridge.start(world, world::status, List.of(recording))) {
            world.add("a");
            world.add("b");
            world.move("a", SessionState.CREATING_WORKTREE, "");
            world.move("a", RUNNING, "");
            world.move("b", SessionState.CREATING_WORKTREE, "");
            world.move("b", RUNNING, "");
            // b settles in the store, but its event is still on the way when a's event arrives.
            world.store(TestSessions.session("b", READY_TO_MERGE, 4));
            world.move("a", READY_TO_MERGE, "");
            world.publish(new dev.agentorchestrator.OrchestratorEvent.StateChanged(TestSessions.T0, "b", RUNNING,
                    READY_TO_MERGE, "", 4, TestSessions.session("b", READY_TO_MERGE, 4)));

            assertEquals(List.of("READY_TO_MERGE a", "READY_TO_MERGE b", "ALL_SETTLED"), awaitKinds(3));
        }
    }

    @Test
    void aSlowWebhookNeverBlocksPublishingAndReceivesEverythingInOrder() {
        hook.holdAnswers();
        WebhookNotifier webhook = WebhookNotifier.to(hook.uri()).timeout(Duration.ofSeconds(30)).build();
        try (NotificationBridge bridge = NotificationBridge.start(world, world::status, List.of(webhook))) {
            world.add("a");
            world.add("b");
            world.add("c");
            AtomicBoolean published = new AtomicBoolean();
            Thread engine = new Thread(() -> {
                for (String name : List.of("a", "b", "c")) {
                    world.move(name, SessionState.CREATING_WORKTREE, "");
                    world.move(name, RUNNING, "");
                    world.move(name, WAITING_FOR_INPUT, "question from " + name);
                }
                published.set(true);
            }, "test-engine");
            engine.start();

            Await.until("every event published", WAIT, published::get);
            Await.until("the first post at the server", WAIT, () -> hook.received().size() == 1);
            assertEquals(0, webhook.deliveredCount(), "publishing ended while the first post was still held");
            assertTrue(bridge.pendingCount() >= 1, "the rest wait in the bridge's queue");
            hook.release();

            Await.until("four posts", WAIT, () -> hook.received().size() >= 4);
            assertEquals(List.of("WAITING_FOR_INPUT a", "WAITING_FOR_INPUT b", "WAITING_FOR_INPUT c", "ALL_SETTLED"),
                    postedKindsAndSessions());
            Await.until("four delivered", WAIT, () -> webhook.deliveredCount() == 4);
        }
    }

    @Test
    void aFullQueueDropsTheOldestWaitingNotification() {
        hook.holdAnswers();
        WebhookNotifier webhook = WebhookNotifier.to(hook.uri()).timeout(Duration.ofSeconds(30)).build();
        try (NotificationBridge bridge = NotificationBridge.start(world, world::status, List.of(webhook), 2, Duration.ofSeconds(20))) {
            for (String name : List.of("a", "b", "c", "d", "keeps-running")) {
                world.add(name);
                world.move(name, SessionState.CREATING_WORKTREE, "");
                world.move(name, RUNNING, "");
            }
            world.move("a", WAITING_FOR_INPUT, "");
            Await.until("the first post in flight", WAIT, () -> hook.received().size() == 1);
            world.move("b", WAITING_FOR_INPUT, "");
            world.move("c", WAITING_FOR_INPUT, "");
            world.move("d", WAITING_FOR_INPUT, "");

            assertEquals(1, bridge.droppedCount());
            hook.release();
            Await.until("three posts", WAIT, () -> webhook.deliveredCount() == 3);
            assertEquals(List.of("WAITING_FOR_INPUT a", "WAITING_FOR_INPUT c", "WAITING_FOR_INPUT d"), postedKindsAndSessions(),
                    "b, the oldest waiting when d came, was dropped");
        }
    }

    @Test
    void aThrowingNotifierIsIsolatedAndTheNextOneStillGetsEverything() {
        Notifier broken = n -> {
            throw new IllegalStateException("chat is down");
        };
        try (NotificationBridge bridge = NotificationBridge.start(world, world::status, List.of(broken, recording))) {
            world.add("a");
            world.move("a", SessionState.CREATING_WORKTREE, "");
            world.move("a", RUNNING, "");
            world.move("a", WAITING_FOR_INPUT, "");
            world.move("a", RUNNING, "");
            world.move("a", FAILED, "boom");
            assertEquals(List.of("WAITING_FOR_INPUT a", "ALL_SETTLED", "NEEDS_ATTENTION a", "ALL_SETTLED"), awaitKinds(4));
        }
    }

    @Test
    void closeDeliversWhatIsQueuedThenUnsubscribes() {
        hook.holdAnswers();
        WebhookNotifier webhook = WebhookNotifier.to(hook.uri()).timeout(Duration.ofSeconds(30)).build();
        NotificationBridge bridge = NotificationBridge.start(world, world::status, List.of(webhook));
        world.add("a");
        world.move("a", SessionState.CREATING_WORKTREE, "");
        world.move("a", RUNNING, "");
        world.move("a", WAITING_FOR_INPUT, "");
        Await.until("the first post in flight", WAIT, () -> hook.received().size() == 1);
        hook.release();

        bridge.close();

        assertEquals(List.of("WAITING_FOR_INPUT a", "ALL_SETTLED"), postedKindsAndSessions());
        assertEquals(2, webhook.deliveredCount());
        assertEquals(0, world.listenerCount());
        bridge.close();
    }

    @Test
    void withoutNotifiersNothingIsSubscribed() {
        try (NotificationBridge bridge = NotificationBridge.start(world, world::status, List.of())) {
            assertEquals(0, world.listenerCount());
            assertTrue(bridge.toString().contains("0 notifier"), bridge.toString());
        }
    }
}
