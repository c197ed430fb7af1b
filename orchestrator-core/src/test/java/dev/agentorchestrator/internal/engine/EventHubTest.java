package dev.agentorchestrator.internal.engine;

import static org.junit.jupiter.api.Assertions.*;

import dev.agentorchestrator.EventSubscription;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.testing.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Listeners get events in order, off the publishing thread; a slow one delays only itself; unsubscribing stops delivery. */
class EventHubTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final EventHub hub = new EventHub(pool);

    @AfterEach
    void shutdown() {
        pool.shutdownNow();
    }

    private static OrchestratorEvent event(int i) {
        return new OrchestratorEvent.SlotAcquired(Instant.EPOCH, "s" + i, 1, 1);
    }

    @Test
    void eachListenerSeesEveryEventInOrderOnAnotherThread() {
        List<String> seen = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        hub.subscribe(e -> {
            seen.add(e.session());
            threads.add(Thread.currentThread());
        });
        for (int i = 0; i < 500; i++) {
            hub.publish(event(i));
        }
        Await.until("500 events", Duration.ofSeconds(10), () -> seen.size() == 500);
        for (int i = 0; i < 500; i++) {
            assertEquals("s" + i, seen.get(i));
        }
        assertFalse(threads.contains(Thread.currentThread()), "never on the publishing thread");
    }

    @Test
    void aBlockedListenerDoesNotHoldUpTheOthers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> fast = new CopyOnWriteArrayList<>();
        List<String> slow = new CopyOnWriteArrayList<>();
        hub.subscribe(e -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            slow.add(e.session());
        });
        hub.subscribe(e -> fast.add(e.session()));
        for (int i = 0; i < 3; i++) {
            hub.publish(event(i));
        }
        Await.until("fast listener done", Duration.ofSeconds(10), () -> fast.size() == 3);
        assertTrue(slow.isEmpty(), "the slow one is still blocked");
        release.countDown();
        Await.until("slow listener done", Duration.ofSeconds(10), () -> slow.size() == 3);
        assertEquals(List.of("s0", "s1", "s2"), slow);
    }

    @Test
    void unsubscribingAndClosingStopDeliveryAndTypedSubscriptionsFilter() {
        List<String> all = new CopyOnWriteArrayList<>();
        List<String> removedOnly = new CopyOnWriteArrayList<>();
        List<String> closed = new CopyOnWriteArrayList<>();
        Consumer<OrchestratorEvent> listener = e -> all.add(e.session());
        hub.subscribe(listener);
        hub.subscribe(OrchestratorEvent.SessionRemoved.class, e -> removedOnly.add(e.session()));
        EventSubscription sub = hub.subscribe(e -> closed.add(e.session()));
        hub.publish(event(1));
        hub.publish(new OrchestratorEvent.SessionRemoved(Instant.EPOCH, "gone"));
        Await.until("first two delivered", Duration.ofSeconds(10), () -> all.size() == 2 && closed.size() == 2 && removedOnly.size() == 1);
        hub.unsubscribe(listener);
        sub.close();
        sub.close();
        hub.publish(event(2));
        hub.publish(new OrchestratorEvent.SessionRemoved(Instant.EPOCH, "gone-too"));
        Await.until("typed listener got the second removal", Duration.ofSeconds(10), () -> removedOnly.size() == 2);
        assertEquals(List.of("s1", "gone"), all);
        assertEquals(List.of("s1", "gone"), closed);
        assertEquals(List.of("gone", "gone-too"), removedOnly);
    }

    @Test
    void aListenerFarBehindMissesOnlyAgentActivityAndGetsEveryOtherEventInOrder() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<OrchestratorEvent> seen = new CopyOnWriteArrayList<>();
        hub.subscribe(e -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            seen.add(e);
        });
        int flood = EventHub.MAX_ACTIVITY_BACKLOG + 5_000;
        for (int i = 0; i < flood; i++) {
            hub.publish(new OrchestratorEvent.AgentActivity(Instant.EPOCH, "a",
                    new dev.agentorchestrator.AgentEvent.AssistantText("line " + i)));
            if (i % 1000 == 0) {
                hub.publish(event(i)); // a non-activity event among the flood
            }
        }
        release.countDown();
        int others = (flood + 999) / 1000;
        Await.until("the backlog delivered", Duration.ofSeconds(30),
                () -> seen.stream().filter(e -> !(e instanceof OrchestratorEvent.AgentActivity)).count() == others);
        List<OrchestratorEvent> activity = seen.stream().filter(e -> e instanceof OrchestratorEvent.AgentActivity).toList();
        assertTrue(activity.size() < flood && activity.size() >= EventHub.MAX_ACTIVITY_BACKLOG - others,
                "the queue held at most the backlog limit of activity: " + activity.size());
        List<String> otherSessions = seen.stream().filter(e -> !(e instanceof OrchestratorEvent.AgentActivity))
                .map(OrchestratorEvent::session).toList();
        for (int k = 0; k < others; k++) {
            assertEquals("s" + (k * 1000), otherSessions.get(k), "every other event, in order");
        }
        hub.publish(new OrchestratorEvent.AgentActivity(Instant.EPOCH, "a", new dev.agentorchestrator.AgentEvent.AssistantText("after")));
        Await.until("activity flows again once caught up", Duration.ofSeconds(10),
                () -> seen.get(seen.size() - 1) instanceof OrchestratorEvent.AgentActivity a
                        && a.event() instanceof dev.agentorchestrator.AgentEvent.AssistantText t && t.text().equals("after"));
    }
}
