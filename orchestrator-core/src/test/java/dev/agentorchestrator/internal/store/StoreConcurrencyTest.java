package dev.agentorchestrator.internal.store;

import static dev.agentorchestrator.internal.store.StoreFixtures.queued;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.StateStoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writers in several processes and threads wait for each other and lose no update. */
class StoreConcurrencyTest {

    private static final int UPDATES_EACH = 200;

    @TempDir
    Path temp;

    @Test
    void twoProcessesUpdatingTheSameSessionLoseNoUpdate() throws Exception {
        Path gitDir = Files.createDirectories(temp.resolve("git"));
        try (JsonFileStateStore store = JsonFileStateStore.open(gitDir, Duration.ofSeconds(10))) {
            store.create(queued("counter", 0));
        }
        Path go = temp.resolve("go");
        List<ChildJvm> children = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Path ready = temp.resolve("ready-" + i);
                ChildJvm child = ChildJvm.start(temp, "increment", gitDir.toString(), "counter",
                        String.valueOf(UPDATES_EACH), ready.toString(), go.toString());
                children.add(child);
            }
            for (int i = 0; i < 2; i++) {
                children.get(i).awaitFile(temp.resolve("ready-" + i), Duration.ofSeconds(60));
            }
            long start = System.nanoTime();
            Files.createFile(go);
            for (ChildJvm child : children) {
                child.awaitSuccess(Duration.ofSeconds(120));
            }
            long micros = (System.nanoTime() - start) / 1000;
            System.out.printf("%d updates from 2 processes took %d ms, %d us each%n", 2 * UPDATES_EACH,
                    micros / 1000, micros / (2 * UPDATES_EACH));
        } finally {
            children.forEach(ChildJvm::close);
        }
        try (JsonFileStateStore store = JsonFileStateStore.open(gitDir, Duration.ofSeconds(10))) {
            assertEquals(2 * UPDATES_EACH, store.load("counter").orElseThrow().turns());
        }
    }

    @Test
    void threadsOnOneOrSeveralStoreInstancesLoseNoUpdate() throws Exception {
        Path gitDir = Files.createDirectories(temp.resolve("git"));
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        // Two instances on the same folder: they must share one OS lock, or the second would throw
        // OverlappingFileLockException, or closing one would drop the other's lock.
        try (JsonFileStateStore a = JsonFileStateStore.open(gitDir, Duration.ofSeconds(30));
             JsonFileStateStore b = JsonFileStateStore.open(gitDir, Duration.ofSeconds(30))) {
            a.create(queued("counter", 0));
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                JsonFileStateStore store = t % 2 == 0 ? a : b;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < UPDATES_EACH; i++) {
                        store.update("counter", StoreFixtures::plusOneTurn);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
            assertEquals(threads * UPDATES_EACH, b.load("counter").orElseThrow().turns());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWriterGivesUpNamingTheLockFileWhenAnotherProcessHoldsIt() throws Exception {
        Path gitDir = Files.createDirectories(temp.resolve("git"));
        try (JsonFileStateStore store = JsonFileStateStore.open(gitDir, Duration.ofMillis(300))) {
            store.create(queued("auth-api", 0));
            Path ready = temp.resolve("locked");
            try (ChildJvm holder = ChildJvm.start(temp, "hold-lock", gitDir.toString(), ready.toString())) {
                holder.awaitFile(ready, Duration.ofSeconds(60));

                StateStoreException e = assertThrows(StateStoreException.class,
                        () -> store.update("auth-api", StoreFixtures::plusOneTurn));
                assertTrue(e.getMessage().contains(store.lockFile().toString()), e.getMessage());
                assertTrue(e.getMessage().contains("another process holds it"), e.getMessage());
                assertThrows(StateStoreException.class, () -> store.create(queued("other", 0)));
                assertEquals(0, store.load("auth-api").orElseThrow().turns(), "reads do not wait for the lock");

                holder.kill();
            }
            assertEquals(1, store.update("auth-api", StoreFixtures::plusOneTurn).turns(),
                    "the lock died with its holder");
        }
    }

    @Test
    void updateCostIsReported() {
        Path gitDir = temp;
        try (JsonFileStateStore store = JsonFileStateStore.open(gitDir, Duration.ofSeconds(10))) {
            store.create(StoreFixtures.everyField("cost"));
            for (int i = 0; i < 50; i++) {
                store.update("cost", StoreFixtures::plusOneTurn);
            }
            int n = 300;
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                store.update("cost", StoreFixtures::plusOneTurn);
            }
            long micros = (System.nanoTime() - start) / 1000 / n;
            System.out.println("one update (lock, read, parse, backup link, write, fsync, rename) ~" + micros + " us");
            assertEquals(StoreFixtures.everyField("cost").turns() + 350, store.load("cost").orElseThrow().turns());
        }
    }
}
