package dev.agentorchestrator.engine;

import static dev.agentorchestrator.SessionState.READY_TO_MERGE;
import static dev.agentorchestrator.SessionState.RUNNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OverlapPolicy;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.ScriptAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17: the HOLD overlap policy holds the later of two overlapping sessions before its next turn, until the overlap clears. */
class OverlapHoldTest {

    @TempDir
    Path tmp;

    @Test
    void theLaterSessionWaitsBeforeItsNextTurnAndResumesWhenTheOverlapClears() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        String agent = gatedAgent();
        try (Orchestrator o = f.builder().agent(ScriptAgent.of(agent)).overlapPolicy(OverlapPolicy.HOLD).maxParallelSessions(2)
                .feature("first", "version one").feature("later", "version two").start()) {
            Await.until("both agents edit the file", Duration.ofSeconds(60), () -> o.sessions().stream().allMatch(s ->
                    s.state() == RUNNING && s.worktree().map(w -> contains(w.resolve("src/app.txt"), "version")).orElse(false)));
            o.prompt("later", "second"); // accepted before the overlap is known, so it is the agent's next turn
            Files.writeString(tmp.resolve("gate-first"), "go");
            Await.until("the later session is held", Duration.ofSeconds(60), () -> o.session("later").isHeld());
            Session held = o.session("later");
            assertTrue(held.attention().startsWith("held: overlaps with first on src/app.txt;"), held.attention());
            assertFalse(o.session("first").isHeld(), "only the later one is held");

            Files.writeString(tmp.resolve("gate-later"), "go");
            Session waiting = o.await("later", Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, waiting.state(), "its running turn finished and was tested: " + waiting);
            assertEquals(List.of("second"), waiting.pendingPrompts(), "the follow-up waits");
            assertEquals(Session.Work.QUEUED, waiting.work());
            assertTrue(o.status().isSettled("later"), "a held session waits for something outside it, like a dependency");
            assertTrue(o.status().toTable().contains("attention: later: held: overlaps with first"), o.status().toTable());
            assertFalse(Files.exists(waiting.worktree().orElseThrow().resolve("second.txt")), "no turn ran while held");

            assertTrue(o.merge("first").merged()); // the overlap clears: first is no longer live
            Await.until("the follow-up runs", Duration.ofSeconds(60), () -> o.session("later").pendingPrompts().isEmpty()
                    && o.status().isSettled("later"));
            Session after = o.session("later");
            assertFalse(after.isHeld(), after.attention());
            assertTrue(Files.exists(after.worktree().orElseThrow().resolve("second.txt")), "the held turn ran after the release");
        }
    }

    @Test
    void aPersonReleasesAHeldSessionByPromptingItAndItIsNotHeldAgainForTheSameOverlap() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.builder().agent(ScriptAgent.of(gatedAgent())).overlapPolicy(OverlapPolicy.HOLD)
                .maxParallelSessions(2).feature("first", "version one").feature("later", "version two").start()) {
            Files.writeString(tmp.resolve("gate-first"), "go");
            Files.writeString(tmp.resolve("gate-later"), "go");
            Await.until("the later session is held", Duration.ofSeconds(60), () -> o.session("later").isHeld()
                    && o.status().isSettled("later"));
            o.prompt("later", "second");
            Await.until("the prompt runs", Duration.ofSeconds(60), () -> o.session("later").pendingPrompts().isEmpty()
                    && o.status().isSettled("later")
                    && o.session("later").worktree().map(w -> Files.exists(w.resolve("second.txt"))).orElse(false));
            assertFalse(o.awaitAll(Duration.ofSeconds(60)).session("later").orElseThrow().isHeld(),
                    "released from this overlap, it is not held again for it");
            assertFalse(o.overlaps().isEmpty(), "the overlap itself is still there");
        }
    }

    /** The agent of both tests: edits src/app.txt, waits for its gate, commits; "second" writes a file of its own. */
    private String gatedAgent() {
        return String.join("\n",
                "echo SESSION h-$(basename \"$PWD\")",
                "c='-c user.name=A -c user.email=a@example.invalid'",
                "if [ \"$1\" = second ]; then echo 2 > second.txt; git add second.txt; git $c commit -q -m second; echo done; exit 0; fi",
                "printf '%s\\n' \"$1\" > src/app.txt",
                "while [ ! -f '" + tmp + "/gate-'\"$(basename \"$PWD\")\" ]; do sleep 0.05; done",
                "git add src/app.txt; git $c commit -q -m \"edit: $1\"",
                "echo done");
    }

    private static boolean contains(Path file, String text) {
        try {
            return Files.isRegularFile(file) && Files.readString(file).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
