package dev.agentorchestrator.engine;

import static dev.agentorchestrator.SessionState.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.Feature;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.git.GitCliBackend;
import dev.agentorchestrator.internal.process.AgentWatchdog;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.ScriptAgent;
import dev.agentorchestrator.testing.TestRepos;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new orchestrator on the same repository finds every session as it was, even after its host was killed. */
class RestartRecoveryTest {

    /** Prints a session id; on resume ($2 set) commits the prompt; otherwise starts a child and waits forever. */
    static final String LONG_AGENT = String.join("\n",
            "if [ -n \"$2\" ]; then",
            "  printf '%s|%s\\n' \"$2\" \"$1\" > resumed.txt",
            "  git add resumed.txt && git -c user.name=A -c user.email=a@example.invalid commit -q -m resumed",
            "  echo SESSION \"$2\"; exit 0",
            "fi",
            "echo SESSION conv-$(basename \"$PWD\")",
            "echo PID $$",
            "sleep 1000 & wait");

    @TempDir
    Path tmp;

    @Test
    void aClosedOrchestratorsSessionsComeBackInTheStateTheyHad() {
        Path repo = TestRepos.withCommit(tmp.resolve("repo"));
        String script = String.join("\n",
                "case \"$1\" in",
                "  ask) echo SESSION a; echo 'ASK which one?' ;;",
                "  fail) echo SESSION f; exit 9 ;;",
                "  commit) echo SESSION c; echo x > x.txt; git add x.txt; git -c user.name=A -c user.email=a@example.invalid commit -q -m x ;;",
                "esac");
        Orchestrator.Builder builder = Orchestrator.builder().repo(repo).git(new GitCliBackend()).ci(Ci.none())
                .agent(ScriptAgent.of(script)).maxParallelSessions(3)
                .feature("asks", "ask").feature("fails", "fail").feature("commits", "commit")
                .feature(Feature.builder("blocked", "commit").dependsOn("fails").build());
        List<Session> before;
        try (Orchestrator o = builder.start()) {
            o.awaitAll(Duration.ofSeconds(60));
            before = o.sessions();
        }
        assertEquals(Map.of("asks", WAITING_FOR_INPUT, "fails", FAILED, "commits", READY_TO_MERGE, "blocked", QUEUED),
                before.stream().collect(Collectors.toMap(Session::name, Session::state)));
        try (Orchestrator again = builder.start()) {
            List<Session> after = again.awaitAll(Duration.ofSeconds(30)).sessions();
            assertEquals(before.stream().map(Session::name).toList(), after.stream().map(Session::name).toList(), "same order");
            for (int i = 0; i < before.size(); i++) {
                Session b = before.get(i);
                Session a = after.get(i);
                assertEquals(b.state(), a.state(), b.name());
                assertEquals(b.agentSessionId(), a.agentSessionId(), b.name());
                assertEquals(b.worktree(), a.worktree(), b.name());
                assertEquals(b.message(), a.message(), b.name());
                assertEquals(b.createdAt(), a.createdAt(), b.name());
            }
        }
    }

    @Test
    void anAgentLeftBehindByAKilledHostIsEndedAndItsSessionIsInterruptedAndResumable() throws Exception {
        Path repo = TestRepos.withCommit(tmp.resolve("repo"));
        String java = ProcessHandle.current().info().command().orElse("java");
        // Without the watchdog, the orphan outlives its host, which is what this recovery test needs.
        Process host = new ProcessBuilder(java, "-D" + AgentWatchdog.WATCHDOG_PROPERTY + "=false", "-cp", System.getProperty("java.class.path"),
                HostMain.class.getName(), repo.toString())
                .redirectErrorStream(true).start();
        long agentPid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null && !line.startsWith("RUNNING ")) {
                seen.append(line).append('\n');
            }
            assertNotNull(line, "host printed no RUNNING line:\n" + seen);
            agentPid = Long.parseLong(line.substring(8).trim());
            host.destroyForcibly(); // SIGKILL: no shutdown hook runs, the agent is orphaned
            assertTrue(host.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue(ProcessHandle.of(agentPid).map(ProcessHandle::isAlive).orElse(false), "the orphaned agent still runs");

        try (Orchestrator o = Orchestrator.builder().repo(repo).git(new GitCliBackend()).ci(Ci.none())
                .stopGrace(Duration.ofSeconds(2)).agent(ScriptAgent.of(LONG_AGENT)).start()) {
            Session s = o.session("survivor");
            assertEquals(INTERRUPTED, s.state());
            assertTrue(s.message().contains("local:" + agentPid + ":") && s.message().contains("has been ended"), s.message());
            Await.until("orphan ended", Duration.ofSeconds(10), () -> ProcessHandle.of(agentPid).map(p -> !p.isAlive()).orElse(true));
            assertEquals("conv-survivor", s.agentSessionId().orElseThrow());

            o.prompt("survivor", "carry on");
            Session resumed = o.await("survivor", Duration.ofSeconds(30));
            assertEquals(READY_TO_MERGE, resumed.state(), resumed.message());
            assertEquals("conv-survivor|carry on\n", Files.readString(resumed.worktree().orElseThrow().resolve("resumed.txt")));
        }
    }

    @Test
    void closingTheOrchestratorInterruptsWorkingAgentsAndKeepsEverythingOnDisk() {
        Path repo = TestRepos.withCommit(tmp.resolve("repo"));
        Session before;
        AgentPids pids = new AgentPids();
        Orchestrator o = Orchestrator.builder().repo(repo).git(new GitCliBackend()).ci(Ci.none()).listener(pids)
                .stopGrace(Duration.ofSeconds(2)).agent(ScriptAgent.of(LONG_AGENT)).feature("busy", "work").start();
        long pid = pids.await("busy");
        o.close();
        assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "close() ended the agent");
        try (Orchestrator again = Orchestrator.builder().repo(repo).git(new GitCliBackend()).ci(Ci.none())
                .agent(ScriptAgent.of(LONG_AGENT)).start()) {
            before = again.session("busy");
            assertEquals(SessionState.INTERRUPTED, before.state());
            assertTrue(Files.isDirectory(before.worktree().orElseThrow()));
            assertTrue(TestRepos.git(repo, "branch", "--list", "feature/busy").contains("feature/busy"));
        }
    }
}
