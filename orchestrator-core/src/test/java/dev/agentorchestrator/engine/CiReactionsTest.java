package dev.agentorchestrator.engine;

import static dev.agentorchestrator.SessionState.IDLE;
import static dev.agentorchestrator.SessionState.READY_TO_MERGE;
import static dev.agentorchestrator.SessionState.STOPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.Budget;
import dev.agentorchestrator.Ci;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.IllegalStateTransitionException;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.UncommittedWork;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.ScriptAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CI on the engine's side: reactions to red CI, CI on demand, the bound on CI runs, uncommitted work, budgets. */
class CiReactionsTest {

    /** Commits a change; when told the tests failed, commits the fix the tests look for. */
    static final String LEARNING_AGENT = String.join("\n",
            "echo SESSION learn-$(basename \"$PWD\")",
            "case \"$1\" in",
            "  *'tests failed'*) echo ok > fixed.txt; git add fixed.txt; msg=fix ;;",
            "  *) printf '%s\\n' \"$1\" > task.txt; git add task.txt; msg=\"agent: $1\" ;;",
            "esac",
            "git -c user.name=A -c user.email=a@example.invalid commit -q -m \"$msg\"",
            "echo done");

    @TempDir
    Path tmp;

    private List<OrchestratorEvent.ReactionTaken> reactions(EngineFixture f) {
        return f.events.stream().filter(e -> e instanceof OrchestratorEvent.ReactionTaken)
                .map(e -> (OrchestratorEvent.ReactionTaken) e).toList();
    }

    @Test
    void redCiIsSentBackToTheAgentWhichFixesItAndCiGoesGreen() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.builder().listener(f.events::add).agent(ScriptAgent.of(LEARNING_AGENT))
                .ci(Ci.command("bash", "-c", "echo 'AuthTest.refresh FAILED'; test -f fixed.txt")).feature("auth", "write auth").start()) {
            Session s = o.await("auth", Duration.ofSeconds(90));
            assertEquals(READY_TO_MERGE, s.state(), s.toString());
            assertEquals(CiResult.Status.PASSED, s.lastCi().orElseThrow().status());
            assertTrue(s.attention().isEmpty());
            Await.until("the reaction's event", Duration.ofSeconds(10), () -> reactions(f).size() == 1);
            assertTrue(reactions(f).get(0).action().contains("attempt 1 of 2"), reactions(f).toString());
            assertEquals("fix", f.git("log", "-1", "--format=%s", "feature/auth"));
            String transcript = Files.readString(f.repo.resolve(".git/agent-orchestrator/logs/auth.log"));
            assertTrue(transcript.contains("reaction ci-failure-feedback: sent the agent a follow-up"), transcript);
            assertTrue(transcript.contains("follow-up: The project's tests failed on your latest commit"), transcript);
        }
    }

    @Test
    void afterTheAttemptLimitTheSessionNeedsAPersonAndSettles() {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.builder().listener(f.events::add).agent(ScriptAgent.of(LEARNING_AGENT)).maxReactionAttempts(1)
                .ci(Ci.command("bash", "-c", "exit 1")).feature("stuck", "x").start()) {
            Session s = o.await("stuck", Duration.ofSeconds(90));
            assertEquals(IDLE, s.state(), s.toString());
            assertTrue(s.needsAttention() && s.attention().contains("after 1 follow-up"), s.attention());
            Await.until("two reactions", Duration.ofSeconds(10), () -> reactions(f).size() == 2);
            assertTrue(reactions(f).get(1).action().startsWith("marked the session as needing attention"), reactions(f).toString());
        }
    }

    @Test
    void ciRunsOnDemandOnlyForASessionThatIsNotWorking() {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.builder().listener(f.events::add).agent(ScriptAgent.of(LEARNING_AGENT))
                .ci(Ci.command("bash", "-c", "true")).feature("a", "x")
                .feature(dev.agentorchestrator.Feature.builder("asks", "x")
                        .agent(ScriptAgent.of("echo SESSION q; echo 'ASK which one?'").named("asker")).build()).start()) {
            assertEquals(READY_TO_MERGE, o.await("a", Duration.ofSeconds(60)).state());
            o.runCi("a");
            Session again = o.await("a", Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, again.state());
            Await.until("two CI runs", Duration.ofSeconds(10), () -> f.events.stream()
                    .filter(e -> e instanceof OrchestratorEvent.CiFinished).count() == 2);
            assertEquals(dev.agentorchestrator.SessionState.WAITING_FOR_INPUT, o.await("asks", Duration.ofSeconds(60)).state());
            IllegalStateTransitionException waiting = assertThrows(IllegalStateTransitionException.class, () -> o.runCi("asks"));
            assertTrue(waiting.getMessage().contains("IDLE or READY_TO_MERGE") && waiting.getMessage().contains("Prompt it"),
                    waiting.getMessage());
            assertTrue(o.session("asks").lastCi().isEmpty(), "a refused run leaves nothing behind");
        }
    }

    @Test
    void neverMoreCiRunsAtOnceThanTheBound() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path running = Files.createDirectories(tmp.resolve("running"));
        Path seen = tmp.resolve("seen.txt");
        String ci = "touch '" + running + "'/$$; ls '" + running + "' | wc -l >> '" + seen + "'; sleep 0.3; rm '" + running + "'/$$";
        try (Orchestrator o = f.builder().agent(ScriptAgent.of(LEARNING_AGENT)).maxParallelSessions(4).maxParallelCi(1)
                .ci(Ci.command("bash", "-c", ci)).feature("a", "x").feature("b", "y").feature("c", "z").feature("d", "w").start()) {
            o.awaitAll(Duration.ofSeconds(120));
            List<Integer> counts = Files.readAllLines(seen).stream().map(String::trim).map(Integer::parseInt).toList();
            assertEquals(4, counts.size(), counts.toString());
            assertTrue(counts.stream().allMatch(c -> c == 1), "at most one CI run at a time: " + counts);
        }
    }

    @Test
    void uncommittedWorkIsAskedForByDefaultCommittedOnRequestOrFlagged() {
        String lazy = String.join("\n",
                "echo SESSION lazy",
                "printf '%s\\n' \"$1\" > task.txt",
                "case \"$1\" in *uncommitted*) git add -A; git -c user.name=A -c user.email=a@example.invalid commit -qm committed ;; esac");
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.builder().agent(ScriptAgent.of(lazy)).feature("asked", "x").start()) {
            Session s = o.await("asked", Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, s.state(), s.toString());
            assertEquals("committed", f.git("log", "-1", "--format=%s", "feature/asked"));
        }
        try (Orchestrator o = f.builder().agent(ScriptAgent.of(lazy)).uncommittedWork(UncommittedWork.COMMIT)
                .feature("committed", "y").start()) {
            Session s = o.await("committed", Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, s.state(), s.toString());
            assertTrue(f.git("log", "-1", "--format=%s", "feature/committed").contains("feature 'committed'"));
        }
        try (Orchestrator o = f.builder().agent(ScriptAgent.of(lazy)).uncommittedWork(UncommittedWork.FLAG)
                .feature("flagged", "z").start()) {
            Session s = o.await("flagged", Duration.ofSeconds(60));
            assertEquals(IDLE, s.state(), s.toString());
            assertTrue(s.attention().contains("task.txt"), s.attention());
            assertTrue(s.lastCi().isEmpty(), "CI never tests an uncommitted tree");
        }
    }

    @Test
    void aSessionThatSpendsItsBudgetIsStoppedAndTakesNoNewTurn() {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.builder().listener(f.events::add).agent(ScriptAgent.of(EngineFixture.committingScript()))
                .budget(Budget.perSession(0.40)).feature("spender", "first").start()) {
            assertEquals(READY_TO_MERGE, o.await("spender", Duration.ofSeconds(60)).state());
            o.prompt("spender", "second");
            Session stopped = o.await("spender", Duration.ofSeconds(60));
            assertEquals(STOPPED, stopped.state(), stopped.toString());
            assertTrue(stopped.attention().contains("budget of $0.40 is spent ($0.50)"), stopped.attention());
            o.prompt("spender", "third");
            Session refused = o.await("spender", Duration.ofSeconds(60));
            assertEquals(0.50, refused.costUsd(), 1e-9, "no third turn ran");
            assertTrue(refused.attention().startsWith("no new turn") && refused.attention().contains("not delivered"),
                    refused.attention());
            assertTrue(refused.pendingPrompts().isEmpty(), "an undeliverable follow-up does not wait for ever");
            assertTrue(o.status().isSettled("spender"));
        }
    }

    @Test
    void anAgentSilentForLongerThanTheStallTimeoutIsReportedUntilItSpeaksAgain() {
        EngineFixture f = new EngineFixture(tmp);
        String slow = "echo SESSION slow; sleep 6; echo x > x.txt; git add x.txt; "
                + "git -c user.name=A -c user.email=a@example.invalid commit -qm x; echo done";
        try (Orchestrator o = f.builder().listener(f.events::add).agent(ScriptAgent.of(slow)).stallTimeout(Duration.ofSeconds(2))
                .feature("quiet", "x").start()) {
            Await.until("the stall is reported", Duration.ofSeconds(30), () -> f.events.stream()
                    .anyMatch(e -> e instanceof OrchestratorEvent.AgentStalled s && s.session().equals("quiet")));
            Await.until("the session shows it", Duration.ofSeconds(10), () -> o.session("quiet").attention().startsWith("stalled:"));
            Session done = o.await("quiet", Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, done.state());
            Await.until("the report is cleared once the turn is over", Duration.ofSeconds(10),
                    () -> o.session("quiet").attention().isEmpty());
        }
    }

    @Test
    void aWebhookHearsThatASessionIsReadyAndThatEverythingIsSettled() throws Exception {
        java.util.List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            java.net.URI hook = java.net.URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
            EngineFixture f = new EngineFixture(tmp);
            try (Orchestrator o = f.builder().agent(ScriptAgent.of(LEARNING_AGENT))
                    .notifier(dev.agentorchestrator.notify.WebhookNotifier.to(hook).build()).feature("notified", "x").start()) {
                o.await("notified", Duration.ofSeconds(60));
                Await.until("the webhook is called", Duration.ofSeconds(20), () -> bodies.stream().anyMatch(b -> b.contains("ALL_SETTLED")));
                assertTrue(bodies.stream().anyMatch(b -> b.contains("READY_TO_MERGE") && b.contains("notified")), bodies.toString());
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aRunWaitingForACiSlotTestsTheNewestCommitWhenItsSlotComes() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path gate = tmp.resolve("first-ci-may-end");
        Path firstStarted = tmp.resolve("first-ci-started");
        // The first CI run (of "first") holds the only slot until the test opens the gate.
        String ci = "if [ \"$(git branch --show-current)\" = feature/first ]; then touch '" + firstStarted + "';"
                + " while [ ! -f '" + gate + "' ]; do sleep 0.05; done; fi; true";
        try (Orchestrator o = f.builder().listener(f.events::add).agent(ScriptAgent.of(LEARNING_AGENT)).maxParallelCi(1)
                .ci(Ci.command("bash", "-c", ci)).feature("first", "x").start()) {
            Await.until("the first CI run holds the slot", Duration.ofSeconds(60), () -> Files.exists(firstStarted));
            o.addFeature("second", "y");
            Await.until("the second waits for a CI slot", Duration.ofSeconds(60), () -> o.session("second").message()
                    .startsWith("waiting for a CI slot"));
            String queued = f.git("rev-parse", "feature/second");
            Path wt = o.session("second").worktree().orElseThrow();
            String newer = dev.agentorchestrator.testing.TestRepos.commitFiles(wt, Map.of("later.txt", "newer\n"), "a newer commit");
            Files.writeString(gate, "go");
            Session second = o.await("second", Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, second.state(), second.toString());
            assertEquals(newer, second.lastCi().orElseThrow().commit(), "the newest commit was tested, not the queued one");
            String transcript = Files.readString(f.repo.resolve(".git/agent-orchestrator/logs/second.log"));
            assertTrue(transcript.contains("instead of " + queued.substring(0, 7)), transcript);
        }
    }
}
