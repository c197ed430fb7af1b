package dev.agentorchestrator.engine;

import static dev.agentorchestrator.SessionState.FAILED;
import static dev.agentorchestrator.SessionState.IDLE;
import static dev.agentorchestrator.SessionState.INTERRUPTED;
import static dev.agentorchestrator.SessionState.READY_TO_MERGE;
import static dev.agentorchestrator.SessionState.RUNNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.git.GitCliBackend;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.spi.StateStore;
import dev.agentorchestrator.store.StateStores;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.ScriptAgent;
import dev.agentorchestrator.testing.TestRepos;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reliability suite's faults around a session's work (issue 15): an agent that crashes or
 * hangs, CI that hangs, a worktree deleted under a working agent, and a second process on the
 * same repository. Each fault is made for real (a SIGKILL, a process that never ends, an
 * {@code rm -rf}, another JVM), and each test ends by showing that a retry works.
 */
class FaultsTest {

    /** On "fix" commits {@code fixed.txt}; otherwise prints its pid and becomes a process that never ends. */
    private static final String CRASHING_AGENT = String.join("\n",
            "echo SESSION conv-$(basename \"$PWD\")",
            "if [ \"$1\" = fix ]; then",
            "  echo ok > fixed.txt; git add fixed.txt",
            "  git -c user.name=A -c user.email=a@example.invalid commit -q -m fixed; exit 0",
            "fi",
            "echo PID $$",
            "exec sleep 1000");

    @TempDir
    Path tmp;

    @Test
    void anAgentKilledMidTurnFailsItsSessionWithTheExitAndAPromptRetriesIt() {
        EngineFixture f = new EngineFixture(tmp);
        AgentPids pids = new AgentPids();
        try (Orchestrator o = f.start(f.builder().listener(pids).agent(ScriptAgent.of(CRASHING_AGENT)).feature("crash", "work"))) {
            long pid = pids.await("crash");
            Await.until("the session runs", Duration.ofSeconds(30), () -> o.session("crash").state() == RUNNING);
            assertTrue(ProcessHandle.of(pid).orElseThrow().destroyForcibly(), "SIGKILL sent to the agent");

            Session crashed = o.await("crash", Duration.ofSeconds(60));
            assertEquals(FAILED, crashed.state(), crashed.toString());
            assertTrue(crashed.message().contains("exit code 137"), "128 + SIGKILL names the cause: " + crashed.message());
            assertEquals(Session.Work.NONE, crashed.work());
            assertEquals("conv-crash", crashed.agentSessionId().orElseThrow(), "the conversation is kept for the retry");

            o.prompt("crash", "fix");
            Session fixed = o.await("crash", Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, fixed.state(), fixed.toString());
            assertEquals("fixed", f.git("log", "-1", "--format=%s", "feature/crash"));
        }
    }

    @Test
    void aHungAgentIsEndedAtTheTimeLimitHandedToAPersonAndAPromptRetriesIt() {
        EngineFixture f = new EngineFixture(tmp);
        AgentPids pids = new AgentPids();
        try (Orchestrator o = f.start(f.builder().listener(pids).agent(ScriptAgent.of(CRASHING_AGENT))
                .sessionTimeout(Duration.ofSeconds(4)).feature("hang", "work"))) {
            Session hung = o.await("hang", Duration.ofSeconds(60));
            assertEquals(FAILED, hung.state(), hung.toString());
            assertTrue(hung.message().contains("time limit of PT4S") && hung.message().contains("stopped"), hung.message());
            assertTrue(hung.attention().contains("after 2 follow-ups"), "the default reaction tried, then asked for a person: "
                    + hung.attention());
            long pid = pids.await("hang");
            Await.until("the hung agent ended", Duration.ofSeconds(10), () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));

            o.prompt("hang", "fix");
            Session fixed = o.await("hang", Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, fixed.state(), fixed.toString());
            assertEquals("", fixed.attention(), "a person's prompt takes the session back from the reactions");
        }
    }

    @Test
    void hungCiIsEndedAtItsTimeLimitAndCiRunAgainPassesOnceTheCauseIsGone() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path ciPids = tmp.resolve("ci.pids");
        Path healthy = tmp.resolve("ci-is-healthy");
        dev.agentorchestrator.spi.CiRunner ci = Ci.command("bash", "-c", "echo $$ >> '" + ciPids + "'; test -f '" + healthy + "' || exec sleep 1000");
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(EngineShapeTest.FIXING_AGENT)).reactions()
                .ci(ci).ciTimeout(Duration.ofSeconds(1)).feature("slow-ci", "work"))) {
            Session red = o.await("slow-ci", Duration.ofSeconds(60));
            assertEquals(IDLE, red.state(), red.toString());
            CiResult result = red.lastCi().orElseThrow();
            assertEquals(CiResult.Status.TIMED_OUT, result.status());
            assertEquals(f.git("rev-parse", "feature/slow-ci"), result.commit());
            assertTrue(red.message().contains("did not finish within PT1S") && red.message().contains("ended"), red.message());
            long ciPid = Long.parseLong(Files.readAllLines(ciPids).get(0).trim());
            Await.until("the hung CI command ended", Duration.ofSeconds(10),
                    () -> ProcessHandle.of(ciPid).map(p -> !p.isAlive()).orElse(true));

            Files.writeString(healthy, "yes");
            o.runCi("slow-ci");
            Session green = o.await("slow-ci", Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, green.state(), green.toString());
            assertEquals(CiResult.Status.PASSED, green.lastCi().orElseThrow().status());
        }
    }

    /** Commits {@code first.txt}, prints its pid, waits for the gate, then works on in a folder that may be gone. */
    private static String agentWhoseWorktreeGoes(Path gate, int exitCode) {
        return String.join("\n",
                "if [ \"$1\" = fix ]; then",
                "  echo SESSION \"$2\"; echo ok > fixed.txt; git add fixed.txt",
                "  git -c user.name=A -c user.email=a@example.invalid commit -q -m fixed; exit 0",
                "fi",
                "echo SESSION conv-$(basename \"$PWD\")",
                "echo one > first.txt; git add first.txt",
                "git -c user.name=A -c user.email=a@example.invalid commit -q -m first",
                "echo PID $$",
                "while [ ! -f '" + gate + "' ]; do sleep 0.05; done",
                "echo two > second.txt",
                "exit " + exitCode);
    }

    @ParameterizedTest(name = "the agent then exits with {0}")
    @ValueSource(ints = {0, 4})
    void aWorktreeDeletedWhileItsAgentRunsFailsTheSessionSayingHowToGetItBack(int agentExit) throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path gate = tmp.resolve("gate");
        AgentPids pids = new AgentPids();
        try (Orchestrator o = f.start(f.builder().listener(pids).agent(ScriptAgent.of(agentWhoseWorktreeGoes(gate, agentExit)))
                .feature("doomed", "work"))) {
            pids.await("doomed");
            Await.until("the session runs", Duration.ofSeconds(30), () -> o.session("doomed").state() == RUNNING);
            Path worktree = o.session("doomed").worktree().orElseThrow();
            String head = f.git("rev-parse", "feature/doomed");
            assertEquals("first", f.git("log", "-1", "--format=%s", head));

            deleteTree(worktree);
            Files.writeString(gate, "go");

            Session gone = o.await("doomed", Duration.ofSeconds(60));
            assertEquals(FAILED, gone.state(), gone.toString());
            assertTrue(gone.message().contains(worktree.toString()) && gone.message().contains("gone"), gone.message());
            assertTrue(gone.message().contains("feature/doomed") && gone.message().contains("prompt"),
                    "says the branch is kept and how to get the worktree back: " + gone.message());
            assertFalse(gone.message().contains("unexpected"), "no exception escaped into the session: " + gone.message());
            assertEquals("", gone.attention());
            assertEquals(head, f.git("rev-parse", "feature/doomed"), "the branch and its commit are kept");

            o.prompt("doomed", "fix");
            Session back = o.await("doomed", Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, back.state(), back.toString());
            assertEquals(worktree, back.worktree().orElseThrow());
            assertEquals("feature/doomed", TestRepos.git(worktree, "branch", "--show-current").trim());
            assertTrue(Files.exists(worktree.resolve("first.txt")) && Files.exists(worktree.resolve("fixed.txt")),
                    "the worktree is back with the earlier commit and the new one");
            assertEquals(head, f.git("rev-parse", "feature/doomed~1"));
        }
    }

    @Test
    void aSecondProcessIsRefusedWhileTheFirstRunsAndTakesOverOnceItDies() throws Exception {
        Path repo = TestRepos.withCommit(tmp.resolve("repo"));
        String java = ProcessHandle.current().info().command().orElse("java");
        Process host = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), HostMain.class.getName(),
                repo.toString()).redirectErrorStream(true).start();
        try {
            long agentPid = awaitRunningLine(host);
            Path commonDir = repo.resolve(".git");
            SessionRecord before = storedSurvivor(commonDir);
            Orchestrator.Builder second = Orchestrator.builder().repo(repo).git(new GitCliBackend()).ci(Ci.none())
                    .stopGrace(Duration.ofSeconds(2)).agent(ScriptAgent.of(RestartRecoveryTest.LONG_AGENT));

            ConfigurationException refused = assertThrows(ConfigurationException.class, second::start);
            assertTrue(refused.getMessage().contains("already running") && refused.getMessage().contains("pid " + host.pid())
                    && refused.getMessage().contains("engine.lock"), refused.getMessage());
            assertEquals(before, storedSurvivor(commonDir), "the refused start changed nothing");
            assertEquals(RUNNING, before.state());
            assertTrue(ProcessHandle.of(agentPid).map(ProcessHandle::isAlive).orElse(false), "the first host's agent works on");

            host.destroyForcibly(); // SIGKILL: the OS drops the lock, the watchdog ends the agent
            assertTrue(host.waitFor(30, TimeUnit.SECONDS));
            Await.until("the agent ended with its host", Duration.ofSeconds(30),
                    () -> ProcessHandle.of(agentPid).map(p -> !p.isAlive()).orElse(true));
            try (Orchestrator o = second.start()) {
                Session s = o.session("survivor");
                assertEquals(INTERRUPTED, s.state(), s.toString());
                o.prompt("survivor", "carry on");
                assertEquals(READY_TO_MERGE, o.await("survivor", Duration.ofSeconds(60)).state());
            }
        } finally {
            host.destroyForcibly();
            host.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static long awaitRunningLine(Process host) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("RUNNING ")) {
            seen.append(line).append('\n');
        }
        assertNotNull(line, "host printed no RUNNING line:\n" + seen);
        // Keep draining the host's output so that it never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discard
                }
            } catch (java.io.IOException ignored) {
                // the host was killed
            }
        }, "host-output");
        drain.setDaemon(true);
        drain.start();
        return Long.parseLong(line.substring(8).trim());
    }

    private static SessionRecord storedSurvivor(Path commonDir) {
        try (StateStore store = StateStores.jsonFiles(commonDir)) {
            return store.load("survivor").orElseThrow();
        }
    }

    static void deleteTree(Path root) throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
