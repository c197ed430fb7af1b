package dev.agentorchestrator.internal.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The other process in the store's multi-process tests, started by {@link ChildJvm}. Each mode
 * creates a "ready" marker file when it reaches the point the test waits for, and modes that run
 * alongside a sibling wait for a "go" file so that both start their work together.
 *
 * <ul>
 *   <li>{@code pause-before-rename GITDIR NAME MARKER}: updates NAME, but between writing the
 *       temp file and renaming it creates MARKER and blocks until killed;</li>
 *   <li>{@code increment GITDIR NAME COUNT READY GO}: adds COUNT turns, one update each;</li>
 *   <li>{@code hold-lock GITDIR READY}: takes the store's lock, creates READY, blocks until killed;</li>
 *   <li>{@code append-log GITDIR NAME COUNT TAG READY GO}: appends COUNT long lines tagged TAG.</li>
 * </ul>
 */
public final class StoreChildMain {

    private StoreChildMain() {
    }

    public static void main(String[] args) throws Exception {
        Path gitDir = Path.of(args[1]);
        switch (args[0]) {
            case "pause-before-rename" -> pauseBeforeRename(gitDir, args[2], Path.of(args[3]));
            case "increment" -> increment(gitDir, args[2], Integer.parseInt(args[3]), Path.of(args[4]), Path.of(args[5]));
            case "hold-lock" -> holdLock(gitDir, Path.of(args[2]));
            case "append-log" -> appendLog(gitDir, args[2], Integer.parseInt(args[3]), args[4], Path.of(args[5]),
                    Path.of(args[6]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void pauseBeforeRename(Path gitDir, String name, Path marker) throws Exception {
        AtomicFiles.BeforeRename pause = (temp, target) -> {
            Files.createFile(marker);
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (JsonFileStateStore store = JsonFileStateStore.open(gitDir, Duration.ofSeconds(30), pause)) {
            store.update(name, s -> s.toBuilder().turns(s.turns() + 1).message("never stored").build());
        }
        throw new AssertionError("the update returned, but it should have blocked before its rename");
    }

    private static void increment(Path gitDir, String name, int count, Path ready, Path go) throws Exception {
        try (JsonFileStateStore store = JsonFileStateStore.open(gitDir, Duration.ofSeconds(60))) {
            Files.createFile(ready);
            awaitFile(go);
            for (int i = 0; i < count; i++) {
                store.update(name, StoreFixtures::plusOneTurn);
            }
        }
    }

    private static void holdLock(Path gitDir, Path ready) throws Exception {
        try (JsonFileStateStore store = JsonFileStateStore.open(gitDir, Duration.ofSeconds(30));
             StoreLock lock = StoreLock.open(store.lockFile());
             StoreLock.Held held = lock.acquire(Duration.ofSeconds(30))) {
            Files.createFile(ready);
            new CountDownLatch(1).await();
        }
    }

    private static void appendLog(Path gitDir, String name, int count, String tag, Path ready, Path go)
            throws Exception {
        try (JsonFileStateStore store = JsonFileStateStore.open(gitDir, Duration.ofSeconds(30))) {
            var log = store.log(name);
            Files.createFile(ready);
            awaitFile(go);
            for (int i = 0; i < count; i++) {
                log.append(SessionLogLines.line(tag, i));
            }
        }
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the test never created " + file);
            }
            Thread.sleep(1);
        }
    }
}
