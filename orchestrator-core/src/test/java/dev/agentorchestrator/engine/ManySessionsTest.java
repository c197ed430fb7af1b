package dev.agentorchestrator.engine;

import static dev.agentorchestrator.SessionState.CREATING_WORKTREE;
import static dev.agentorchestrator.SessionState.IDLE;
import static dev.agentorchestrator.SessionState.READY_TO_MERGE;
import static dev.agentorchestrator.SessionState.RUNNING;
import static dev.agentorchestrator.SessionState.TESTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.StatusSnapshot;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.ScriptAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fifty sessions at once on a small machine (issue 15): every session settles where it should,
 * and every listener gets each session's events exactly once, in revision order, with nothing
 * missing: the revisions a listener sees for a session are 1, 2, ... up to the stored one.
 */
class ManySessionsTest {

    private static final int SESSIONS = 50;

    @TempDir
    Path tmp;

    @Test
    void fiftySessionsSettleAndEveryListenerGetsEachSessionsEventsOnceAndInOrder() {
        EngineFixture f = new EngineFixture(tmp);
        List<OrchestratorEvent> fromBuilder = new CopyOnWriteArrayList<>();
        List<OrchestratorEvent> subscribed = new CopyOnWriteArrayList<>();
        List<String> names = IntStream.range(0, SESSIONS).mapToObj(i -> "s-" + i).toList();
        try (Orchestrator o = f.builder().listener(fromBuilder::add).agent(ScriptAgent.of(EngineShapeTest.FIXING_AGENT))
                .maxParallelSessions(8).start()) {
            o.events().subscribe(subscribed::add);
            for (String name : names) {
                o.addFeature(name, "task of " + name);
            }
            StatusSnapshot all = o.awaitAll(Duration.ofMinutes(10));
            assertEquals(SESSIONS, all.sessions().size());
            for (Session s : all.sessions()) {
                assertEquals(READY_TO_MERGE, s.state(), s.toString());
                assertEquals("agent: task of " + s.name(), f.git("log", "-1", "--format=%s", "feature/" + s.name()));
            }
            for (List<OrchestratorEvent> listener : List.of(fromBuilder, subscribed)) {
                Await.until("every stored revision delivered", Duration.ofSeconds(60), () -> names.stream()
                        .allMatch(n -> revisions(listener, n).contains(o.session(n).revision())));
                for (String name : names) {
                    Session last = o.session(name);
                    List<Long> seen = revisions(listener, name);
                    assertEquals(LongStream.rangeClosed(1, last.revision()).boxed().toList(), seen,
                            name + ": each revision once, in order, none missing");
                    assertEquals(List.of(CREATING_WORKTREE, RUNNING, IDLE, TESTING, READY_TO_MERGE), states(listener, name), name);
                    assertEquals(last, lastSnapshot(listener, name), name + ": the last event shows the final record");
                }
            }
            assertTrue(fromBuilder.stream().filter(e -> e instanceof OrchestratorEvent.SlotAcquired)
                    .allMatch(e -> ((OrchestratorEvent.SlotAcquired) e).inUse() <= 8), "never more agents than the bound");
        }
    }

    /** The revisions of a session's events, in the order the listener got them. */
    private static List<Long> revisions(List<OrchestratorEvent> events, String session) {
        List<Long> revisions = new ArrayList<>();
        for (OrchestratorEvent e : List.copyOf(events)) {
            if (!session.equals(e.session())) {
                continue;
            }
            if (e instanceof OrchestratorEvent.FeatureAdded a) {
                revisions.add(a.snapshot().revision());
            } else if (e instanceof OrchestratorEvent.StateChanged c) {
                revisions.add(c.revision());
            } else if (e instanceof OrchestratorEvent.SessionUpdated u) {
                revisions.add(u.snapshot().revision());
            }
        }
        return revisions;
    }

    private static List<SessionState> states(List<OrchestratorEvent> events, String session) {
        return events.stream().filter(e -> e instanceof OrchestratorEvent.StateChanged c && c.session().equals(session))
                .map(e -> ((OrchestratorEvent.StateChanged) e).to()).toList();
    }

    private static Session lastSnapshot(List<OrchestratorEvent> events, String session) {
        Map<String, Session> last = new HashMap<>();
        for (OrchestratorEvent e : List.copyOf(events)) {
            if (e instanceof OrchestratorEvent.StateChanged c) {
                last.put(c.session(), c.snapshot());
            } else if (e instanceof OrchestratorEvent.SessionUpdated u) {
                last.put(u.session(), u.snapshot());
            }
        }
        return last.get(session);
    }
}
