package dev.agentorchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.IllegalStateTransitionException;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OverlapPolicy;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.testing.ScriptAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Orchestrator#hold} and {@link Orchestrator#release}: a session handed to a person starts
 * no agent turn, whatever is prompted meanwhile, until it is released; the hold is stored and
 * outlives a restart; a running turn or a merged session is refused.
 */
class HoldTest {

    /** Appends each prompt to work.txt and commits it. */
    private static final String COMMIT = WorktreeMadeBeforeRecordTest.COMMIT;

    @TempDir
    Path tmp;

    @Test
    void aHeldSessionsPromptsWaitForTheReleaseWhileOtherWorkGoesOn() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(COMMIT)).maxParallelSessions(1)
                .feature("talk", "first").feature("other", "other work"))) {
            Session talk = o.await("talk", Duration.ofSeconds(60));
            o.await("other", Duration.ofSeconds(60));
            assertEquals(SessionState.READY_TO_MERGE, talk.state(), talk.message());
            Path work = talk.worktree().orElseThrow().resolve("work.txt");

            Session held = o.hold("talk", "attached at a terminal (pid 1); release it when that terminal is gone");
            assertTrue(held.isHeld() && held.isHandedOver(), held.attention());
            assertFalse(held.needsAttention(), "the person holding it is on it already");
            assertEquals(Session.HANDED_OVER + " attached at a terminal (pid 1); release it when that terminal is gone",
                    held.attention());

            Session prompted = o.prompt("talk", "while held");
            assertEquals(List.of("while held"), prompted.pendingPrompts());
            assertTrue(prompted.isHandedOver(), "a prompt does not release a host's hold: " + prompted.attention());
            // With one slot, the held session's queued prompt would have taken it before this one.
            o.prompt("other", "more other work");
            Session other = o.await("other", Duration.ofSeconds(60));
            assertTrue(Files.readString(other.worktree().orElseThrow().resolve("work.txt")).contains("more other work"), other.message());
            Session stillHeld = o.session("talk");
            assertEquals(List.of("while held"), stillHeld.pendingPrompts());
            assertEquals("first\n", Files.readString(work), "no turn while held");

            dev.agentorchestrator.MergeResult refused = o.merge("talk");
            assertEquals(dev.agentorchestrator.MergeResult.Outcome.REFUSED_STATE, refused.outcome(), refused.message());
            assertTrue(refused.message().contains("is held by a person") && refused.message().contains("release(\"talk\")"),
                    refused.message());

            Session released = o.release("talk");
            assertFalse(released.isHeld(), released.attention());
            Session after = o.await("talk", Duration.ofSeconds(60));
            assertEquals("first\nwhile held\n", Files.readString(work), after.message());
            assertEquals(after, o.release("talk"), "releasing a session that is not held changes nothing");
        }
    }

    @Test
    void theHoldIsStoredAndOutlivesARestartAndTheOverlapHoldPolicyLeavesIt() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(COMMIT)).feature("talk", "first"))) {
            o.await("talk", Duration.ofSeconds(60));
            o.hold("talk", "a person works in it");
            o.prompt("talk", "queued before the restart");
        }
        // The HOLD policy lifts only its own holds at start; this one is the host's.
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(COMMIT)).overlapPolicy(OverlapPolicy.HOLD))) {
            // A second session that changes the same file: the coordinator refreshes (one after the other)
            // and the policy holds the later of the pair; the host's hold of the first stays as it is.
            o.addFeature("later", "overlapping work");
            o.await("later", Duration.ofSeconds(60));
            dev.agentorchestrator.testing.Await.until("a refresh that saw both sessions", Duration.ofSeconds(60),
                    () -> o.overlaps().stream().anyMatch(x -> x.sessions().contains("later")) && o.session("later").isHeld());
            assertFalse(o.session("later").isHandedOver(), o.session("later").attention());
            Session s = o.session("talk");
            assertTrue(s.isHandedOver(), s.attention());
            assertEquals(List.of("queued before the restart"), s.pendingPrompts());
            Path work = s.worktree().orElseThrow().resolve("work.txt");
            assertEquals("first\n", Files.readString(work), "no turn while held");
            o.release("talk");
            Session after = o.await("talk", Duration.ofSeconds(60));
            assertEquals("first\nqueued before the restart\n", Files.readString(work), after.message());
            assertEquals(List.of(), after.pendingPrompts());
        }
    }

    @Test
    void aRunningTurnABlankReasonAndAMergedSessionAreRefused() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path gate = tmp.resolve("gate");
        String waitsForTheGate = "while [ ! -f '" + gate + "' ]; do sleep 0.05; done\n" + COMMIT;
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(waitsForTheGate)).feature("busy", "work"))) {
            dev.agentorchestrator.testing.Await.until("the agent runs", Duration.ofSeconds(60),
                    () -> o.session("busy").work() == Session.Work.RUNNING);
            IllegalStateTransitionException running = assertThrows(IllegalStateTransitionException.class,
                    () -> o.hold("busy", "a person"));
            assertTrue(running.getMessage().contains("stop it or wait for its turn to end"), running.getMessage());
            assertEquals("", o.session("busy").attention(), "nothing changed");
            Files.writeString(gate, "");
            o.await("busy", Duration.ofSeconds(60));

            ConfigurationException blank = assertThrows(ConfigurationException.class, () -> o.hold("busy", " "));
            assertTrue(blank.getMessage().contains("say who works in it"), blank.getMessage());

            assertTrue(o.merge("busy").merged());
            IllegalStateTransitionException merged = assertThrows(IllegalStateTransitionException.class,
                    () -> o.hold("busy", "a person"));
            assertTrue(merged.getMessage().contains("MERGED"), merged.getMessage());
        }
    }

    @Test
    void aRepairWhileHeldKeepsTheHold() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(COMMIT)).feature("talk", "first"))) {
            o.await("talk", Duration.ofSeconds(60));
            o.hold("talk", "a person works in it");
            // The person renames the branch by hand meanwhile: the hold stays the attention, and a repair keeps it.
            f.git("branch", "-m", "feature/talk", "wip/talk");
            assertTrue(o.drift("talk").isPresent());
            assertTrue(o.session("talk").isHandedOver(), o.session("talk").attention());
            Session repaired = o.repair("talk");
            assertEquals("wip/talk", repaired.branch());
            assertTrue(repaired.isHandedOver(), repaired.attention());
            assertFalse(o.release("talk").isHeld());
        }
    }
}
