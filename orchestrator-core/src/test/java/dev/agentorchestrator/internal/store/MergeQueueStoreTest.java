package dev.agentorchestrator.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.MergeQueueEntry;
import dev.agentorchestrator.MergeRequest;
import dev.agentorchestrator.MergeResult;
import dev.agentorchestrator.MergeStrategy;
import dev.agentorchestrator.StateStoreCorruptedException;
import dev.agentorchestrator.spi.SessionLog;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.spi.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The merge queue in the JSON store: every field back as it was, a damaged file reported, the SPI's default. */
class MergeQueueStoreTest {

    @TempDir
    Path gitDir;

    private static final Instant T = Instant.parse("2024-05-01T10:15:30.123Z");

    static List<MergeQueueEntry> sample() {
        MergeRequest full = MergeRequest.of("ui/Écran").withStrategy(MergeStrategy.REBASE).into("release").withMessage("m\nmore")
                .withoutCiGate().ignoringUncommittedChanges().keepingWorktree().keepingBranch().withPriority(-3);
        return List.of(MergeQueueEntry.queued(MergeRequest.of("auth").withPriority(7), 0, T),
                MergeQueueEntry.queued(full, 1, T.plusSeconds(1)).with(MergeQueueEntry.State.TESTING, "testing abc1234"),
                MergeQueueEntry.queued(MergeRequest.of("done"), 2, T).decided(new MergeResult("done",
                        MergeResult.Outcome.CONFLICT, "main", "a".repeat(40), Optional.empty(), List.of("x.txt"), "conflicts in x.txt")));
    }

    @Test
    void theQueueSurvivesTheRoundTripAndAReopenedStore() {
        try (JsonFileStateStore store = JsonFileStateStore.open(gitDir, Duration.ofSeconds(10))) {
            assertEquals(List.of(), store.loadMergeQueue(), "no file: an empty queue");
            store.saveMergeQueue(sample());
            store.saveMergeQueue(sample().subList(0, 2));
            assertTrue(Files.exists(store.mergeQueueFile().resolveSibling("merge-queue.json.bak")), "the last good copy is kept");
        }
        try (JsonFileStateStore store = JsonFileStateStore.open(gitDir, Duration.ofSeconds(10))) {
            assertEquals(sample().subList(0, 2), store.loadMergeQueue());
            store.saveMergeQueue(sample());
            assertEquals(sample(), store.loadMergeQueue());
        }
    }

    @Test
    void aDamagedQueueFileIsReportedNamingTheFileAndNeverOverwrittenSilently() throws Exception {
        try (JsonFileStateStore store = JsonFileStateStore.open(gitDir, Duration.ofSeconds(10))) {
            store.saveMergeQueue(sample());
            store.saveMergeQueue(sample().subList(1, 3));
            Files.writeString(store.mergeQueueFile(), "{\"schemaVersion\":1,\"entries\":[{\"feature\":\"x\"");
            StateStoreCorruptedException e = assertThrows(StateStoreCorruptedException.class, store::loadMergeQueue);
            assertEquals(store.mergeQueueFile(), e.file());
            assertTrue(e.getMessage().contains("merge-queue.json.bak"), e.getMessage());
        }
    }

    @Test
    void aStoreThatDoesNotKeepTheQueueStoresNothingAndLoadsAnEmptyQueue() {
        StateStore bare = new StateStore() {
            public List<SessionRecord> loadAll() { return List.of(); }
            public Optional<SessionRecord> load(String name) { return Optional.empty(); }
            public void create(SessionRecord session) { }
            public SessionRecord update(String name, UnaryOperator<SessionRecord> change) { throw new UnsupportedOperationException(); }
            public void delete(String name) { }
            public SessionLog log(String name) { throw new UnsupportedOperationException(); }
            public void close() { }
        };
        bare.saveMergeQueue(sample());
        assertEquals(List.of(), bare.loadMergeQueue());
    }
}
