package dev.agentorchestrator.engine;

import static dev.agentorchestrator.SessionState.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.Ci;
import dev.agentorchestrator.Feature;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.StatusSnapshot;
import dev.agentorchestrator.WorktreeSetup;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.ScriptAgent;
import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Features run end to end with real git, real agent processes and the real state store. */
class OrchestratorRunTest {

    @TempDir
    Path tmp;

    @Test
    void aFeatureGoesFromQueuedToReadyToMergeWithItsCommitOnItsOwnBranch() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(EngineFixture.committingScript()))
                .feature("auth-api", "write the auth api"))) {
            Session s = o.await("auth-api", Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, s.state(), s.message());
            f.assertStates("auth-api", List.of(CREATING_WORKTREE, RUNNING, IDLE, TESTING, READY_TO_MERGE));
            Path wt = s.worktree().orElseThrow();
            assertEquals(f.repo.resolveSibling("repo.worktrees").resolve("auth-api"), wt);
            assertEquals("write the auth api\n", Files.readString(wt.resolve("task.txt")));
            assertEquals("feature/auth-api", TestRepos.git(wt, "branch", "--show-current").trim());
            assertEquals("agent: write the auth api", TestRepos.git(f.repo, "log", "-1", "--format=%s", "feature/auth-api").trim());
            assertFalse(Files.exists(f.repo.resolve("task.txt")), "the main worktree is untouched");
            assertEquals("sess-auth-api", s.agentSessionId().orElseThrow());
            assertEquals(2, s.progress().completed());
            assertEquals(2, s.progress().total());
            assertEquals(0.25, s.costUsd(), 1e-9);
            assertTrue(s.lastCi().isPresent());
            assertTrue(f.events.stream().anyMatch(e -> e instanceof OrchestratorEvent.AgentActivity a
                    && a.event() instanceof AgentEvent.AssistantText t && t.text().equals("done")));
        }
    }

    @Test
    void aFailingAgentFailsItsSessionWithTheReason() {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of("echo 'model exploded' >&2; exit 3"))
                .feature("broken", "do it"))) {
            Session s = o.await("broken", Duration.ofSeconds(30));
            assertEquals(FAILED, s.state());
            assertTrue(s.message().contains("model exploded"), s.message());
            assertTrue(s.message().contains("3"), s.message());
        }
    }

    @Test
    void anAgentThatAsksWaitsForInputAndAFollowUpResumesItsConversation() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        String script = String.join("\n",
                "if [ -z \"$2\" ]; then echo SESSION conv-1; echo 'ASK Which database should I use?'; exit 0; fi",
                "printf 'resumed %s with: %s\\n' \"$2\" \"$1\" > answer.txt",
                "git add answer.txt && git -c user.name=A -c user.email=a@example.invalid commit -q -m answer",
                "echo SESSION \"$2\"");
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(script)).feature("db", "add a database"))) {
            Session waiting = o.await("db", Duration.ofSeconds(30));
            assertEquals(WAITING_FOR_INPUT, waiting.state());
            assertEquals("Which database should I use?", waiting.message());
            o.prompt("db", "Use PostgreSQL");
            Session done = o.await("db", Duration.ofSeconds(30));
            assertEquals(READY_TO_MERGE, done.state(), done.message());
            assertEquals("resumed conv-1 with: Use PostgreSQL\n", Files.readString(done.worktree().orElseThrow().resolve("answer.txt")));
            f.assertStates("db", List.of(CREATING_WORKTREE, RUNNING, WAITING_FOR_INPUT, RUNNING, IDLE, TESTING, READY_TO_MERGE));
        }
    }

    @Test
    void aFollowUpSentWhileTheAgentWorksRunsAfterTheTurn() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path gate = tmp.resolve("gate");
        String script = "echo SESSION s1; printf '%s\\n' \"$1\" >> ../prompts-$(basename $PWD).txt;"
                + " while [ ! -f '" + gate + "' ]; do sleep 0.05; done";
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(script)).feature("ui", "first"))) {
            Await.until("agent running", Duration.ofSeconds(30), () -> o.session("ui").state() == RUNNING);
            o.prompt("ui", "second");
            assertEquals(List.of("second"), o.session("ui").pendingPrompts());
            Files.createFile(gate);
            Session s = o.await("ui", Duration.ofSeconds(30));
            assertEquals(IDLE, s.state());
            assertEquals(List.of(), s.pendingPrompts());
            assertEquals(List.of("first", "second"), Files.readAllLines(f.repo.resolveSibling("repo.worktrees").resolve("prompts-ui.txt")));
        }
    }

    @Test
    void followUpsSentFromManyThreadsAtOnceAreAllDelivered() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path gate = tmp.resolve("gate");
        Path record = tmp.resolve("prompts.txt");
        String script = "echo SESSION many; printf '%s\\n' \"$1\" >> '" + record + "';"
                + " while [ ! -f '" + gate + "' ]; do sleep 0.05; done";
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(script)).feature("many", "first"))) {
            Await.until("agent running", Duration.ofSeconds(30), () -> o.session("many").state() == RUNNING);
            List<Thread> senders = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String prompt = "follow-up " + i;
                senders.add(new Thread(() -> o.prompt("many", prompt)));
            }
            senders.forEach(Thread::start);
            for (Thread t : senders) {
                t.join(30_000);
            }
            Files.createFile(gate);
            o.await("many", Duration.ofSeconds(60));
            List<String> seen = Files.readAllLines(record);
            assertEquals(13, seen.size(), seen.toString());
            assertEquals("first", seen.get(0));
            assertEquals(java.util.stream.IntStream.range(0, 12).mapToObj(i -> "follow-up " + i).collect(java.util.stream.Collectors.toSet()),
                    new java.util.HashSet<>(seen.subList(1, 13)));
        }
    }

    @Test
    void stoppingARunningSessionEndsItsWholeProcessTree() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path pidFile = tmp.resolve("child.pid");
        String script = "sleep 1000 & echo $! > '" + pidFile + "'; echo SESSION long; echo PID $$; wait";
        AgentPids pids = new AgentPids();
        try (Orchestrator o = f.start(f.builder().listener(pids).agent(ScriptAgent.of(script)).feature("long", "run forever"))) {
            long agentPid = pids.await("long");
            // The shell creates the file before it writes the pid: wait for the content, not the file.
            Await.until("child started", Duration.ofSeconds(30), () -> Files.exists(pidFile) && pidFile.toFile().length() > 0);
            long childPid = Long.parseLong(Files.readString(pidFile).trim());
            Session stopped = o.stop("long");
            assertEquals(STOPPED, stopped.state());
            assertTrue(ProcessHandle.of(agentPid).map(p -> !p.isAlive()).orElse(true), "agent ended");
            Await.until("grandchild ended", Duration.ofSeconds(10), () -> ProcessHandle.of(childPid).map(p -> !p.isAlive()).orElse(true));
            assertTrue(Files.isDirectory(stopped.worktree().orElseThrow()), "a stopped session keeps its worktree");
        }
    }

    @Test
    void noMoreThanTheBoundRunAtOnceAndTheRestStartInOrder() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path gates = Files.createDirectories(tmp.resolve("gates"));
        String script = "echo SESSION x; while [ ! -f '" + gates + "'/$(basename $PWD) ]; do sleep 0.05; done";
        List<String> started = new CopyOnWriteArrayList<>();
        int[] maxRunning = {0};
        try (Orchestrator o = f.builder().agent(ScriptAgent.of(script)).maxParallelSessions(2).start()) {
            o.events().subscribe(OrchestratorEvent.StateChanged.class, e -> {
                if (e.to() == RUNNING) {
                    started.add(e.session());
                }
            });
            o.addFeature("one", "1");
            o.addFeature("two", "2");
            o.addFeature("three", "3");
            Await.until("two running", Duration.ofSeconds(30), () -> o.status().countByState().getOrDefault(RUNNING, 0) == 2);
            assertEquals(QUEUED, o.session("three").state(), "the third waits for a slot");
            Files.createFile(gates.resolve("one"));
            Await.until("three running", Duration.ofSeconds(30), () -> o.session("three").state() == RUNNING);
            assertEquals(2, o.status().countByState().getOrDefault(RUNNING, 0));
            Files.createFile(gates.resolve("two"));
            Files.createFile(gates.resolve("three"));
            StatusSnapshot done = o.awaitAll(Duration.ofSeconds(30));
            assertTrue(done.sessions().stream().allMatch(s -> s.state() == IDLE), done.toTable());
            assertEquals(List.of("one", "two", "three"), started.stream().distinct().toList());
        }
    }

    @Test
    void aThrowingListenerDoesNotStopTheEngineOrTheOtherListeners() {
        EngineFixture f = new EngineFixture(tmp);
        List<SessionState> seen = new CopyOnWriteArrayList<>();
        try (Orchestrator o = f.builder().agent(ScriptAgent.of(EngineFixture.committingScript())).start()) {
            o.events().subscribe(e -> {
                throw new IllegalStateException("listener bug");
            });
            o.events().subscribe(OrchestratorEvent.StateChanged.class, e -> seen.add(e.to()));
            o.addFeature("x", "do x");
            assertEquals(READY_TO_MERGE, o.await("x", Duration.ofSeconds(60)).state());
            Await.until("all events delivered", Duration.ofSeconds(10), () -> seen.contains(READY_TO_MERGE));
            assertEquals(List.of(CREATING_WORKTREE, RUNNING, IDLE, TESTING, READY_TO_MERGE), seen);
        }
    }

    @Test
    void setupCopiesFilesAndRunsItsCommandAndAFailedSetupKeepsTheWorktree() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Files.writeString(f.repo.resolve(".env"), "SECRET=1\n");
        String agent = "test -f .env && test -f setup-ran && echo SESSION ok";
        try (Orchestrator o = f.builder().agent(ScriptAgent.of(agent))
                .setup(WorktreeSetup.copying(".env").thenRun("bash", "-c", "echo preparing; touch setup-ran"))
                .feature("good", "go")
                .feature(Feature.builder("bad", "go").setup(WorktreeSetup.running("bash", "-c", "echo npm broke; exit 7")).build())
                .start()) {
            Session good = o.await("good", Duration.ofSeconds(30));
            assertEquals(IDLE, good.state(), good.message());
            Session bad = o.await("bad", Duration.ofSeconds(30));
            assertEquals(FAILED, bad.state());
            assertTrue(bad.message().contains("exited with code 7"), bad.message());
            assertTrue(Files.isDirectory(bad.worktree().orElseThrow()), "kept for inspection");
            // The transcript holds what the setup printed; it lives in the common git dir.
            Path log = f.repo.resolve(".git/agent-orchestrator/logs/bad.log");
            assertTrue(Files.readString(log).contains("setup: npm broke"), "the setup's output is in the transcript");
        }
    }

    @Test
    void aTurnOverTheTimeLimitIsStoppedAndFailsTheSession() {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.builder().agent(ScriptAgent.of("echo SESSION t; exec sleep 1000"))
                .sessionTimeout(Duration.ofMillis(700)).feature("slow", "wait").start()) {
            Session s = o.await("slow", Duration.ofSeconds(30));
            assertEquals(FAILED, s.state());
            assertTrue(s.message().contains("time limit"), s.message());
            // The default reaction asked the agent twice to go on, then handed the session to a person.
            assertTrue(s.attention().contains("after 2 follow-ups"), s.attention());
        }
    }

    @Test
    void anAgentThatCannotBeLaunchedIsRetriedThenFailsWithTheCause() {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.builder().agent(ScriptAgent.of("true").withMissingExecutable())
                .launchRetry(3, Duration.ofMillis(10)).feature("nolaunch", "x").start()) {
            Session s = o.await("nolaunch", Duration.ofSeconds(30));
            assertEquals(FAILED, s.state());
            assertTrue(s.message().contains("after 3 tries"), s.message());
            assertTrue(s.message().contains("/nonexistent/agent-binary-for-tests"), s.message());
        }
    }

    @Test
    void removeRefusesUncommittedWorkUnlessForcedAndThenLeavesNoTrace() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.builder().agent(ScriptAgent.of("echo wip > wip.txt; echo SESSION r"))
                .feature("wip", "x").start()) {
            Session s = o.await("wip", Duration.ofSeconds(30));
            assertTrue(s.message().contains("uncommitted"), s.message());
            Path wt = s.worktree().orElseThrow();
            var refused = assertThrows(dev.agentorchestrator.GitException.class, () -> o.remove("wip"));
            assertTrue(refused.getMessage().contains("uncommitted"), refused.getMessage());
            assertTrue(Files.exists(wt.resolve("wip.txt")), "nothing removed after a refusal");
            assertTrue(o.findSession("wip").isPresent());
            o.remove(dev.agentorchestrator.RemoveRequest.of("wip").force());
            assertFalse(Files.exists(wt));
            assertTrue(o.findSession("wip").isEmpty());
            assertEquals("", TestRepos.git(f.repo, "branch", "--list", "feature/wip").trim());
            assertFalse(TestRepos.git(f.repo, "worktree", "list", "--porcelain").contains("wip"));
        }
    }
}
