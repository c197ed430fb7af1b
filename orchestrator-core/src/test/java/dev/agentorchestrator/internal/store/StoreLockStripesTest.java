package dev.agentorchestrator.internal.store;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.StateStoreException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's lock by record (issue 21): a write of one session does not wait for a write of
 * another, while the same record, and the whole lock, still exclude each other.
 */
class StoreLockStripesTest {

    @TempDir
    Path tmp;

    private static final Duration SHORT = Duration.ofMillis(200);

    @Test
    void anotherRecordIsWritableWhileOneIsHeldButTheSameRecordAndTheWholeLockWait() throws Exception {
        String a = "auth-api";
        String b = "dashboard-ui";
        assertNotEquals(Math.floorMod(a.hashCode(), StoreLock.STRIPES), Math.floorMod(b.hashCode(), StoreLock.STRIPES),
                "the test needs two names on different stripes");
        try (StoreLock lock = StoreLock.open(tmp.resolve("store.lock"))) {
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
                try (StoreLock.Held h = lock.acquire(a, Duration.ofSeconds(10))) {
                    held.countDown();
                    done.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(held.await(30, TimeUnit.SECONDS));
            try (StoreLock.Held other = lock.acquire(b, SHORT)) {
                // obtained while 'a' is held by another thread
            }
            StateStoreException same = assertThrows(StateStoreException.class, () -> lock.acquire(a, SHORT).close());
            assertTrue(same.getMessage().contains("store.lock"), same.getMessage());
            assertThrows(StateStoreException.class, () -> lock.acquire(SHORT).close(), "the whole lock waits for every record");
            done.countDown();
            holder.get(30, TimeUnit.SECONDS);
            try (StoreLock.Held whole = lock.acquire(SHORT); StoreLock.Held nested = lock.acquire(SHORT)) {
                // free again, and re-entrant
            }
            try (StoreLock.Held one = lock.acquire(a, SHORT); StoreLock.Held again = lock.acquire(a, SHORT)) {
                // re-entrant by record
            }
        }
    }
}
