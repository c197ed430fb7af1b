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
}
