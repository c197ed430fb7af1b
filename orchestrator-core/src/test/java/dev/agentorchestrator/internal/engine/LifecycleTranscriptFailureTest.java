package dev.agentorchestrator.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.WorktreeSetup;
import dev.agentorchestrator.spi.SessionRecord;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A state change the store took is published even when the transcript cannot take its note (a full disk). */
class LifecycleTranscriptFailureTest {

    @Test
    void aWrittenChangeIsPublishedAndReturnedWhenTheTranscriptFails() {
        InMemoryStateStore store = new InMemoryStateStore();
        EventHub hub = new EventHub(Runnable::run);
        List<OrchestratorEvent.StateChanged> seen = new CopyOnWriteArrayList<>();
        hub.subscribe(OrchestratorEvent.StateChanged.class, seen::add);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        store.create(SessionRecord.queued("s", "p", "main", "feature/s", List.of(), "a", Map.of(), WorktreeSetup.NONE, t));
        Lifecycle lifecycle = new Lifecycle(store, hub, Clock.fixed(t, ZoneOffset.UTC));
        lifecycle.loadAll();
        store.transcriptsFail = true;

        SessionRecord after = lifecycle.change("s", "", r -> r.toBuilder().state(SessionState.CREATING_WORKTREE));

        assertEquals(SessionState.CREATING_WORKTREE, after.state());
        assertEquals(SessionState.CREATING_WORKTREE, store.load("s").orElseThrow().state(), "the record was written");
        assertEquals(1, seen.size(), "and the change was published");
        assertEquals(after.revision(), seen.get(0).revision());
    }
}
