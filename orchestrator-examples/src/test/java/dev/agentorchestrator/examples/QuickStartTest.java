package dev.agentorchestrator.examples;

import static dev.agentorchestrator.SessionState.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.examples.demo.DemoAgentLauncher;
import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main job, and the offline demo agent through the default (JGit) backend. */
class QuickStartTest {

    @TempDir
    Path tmp;

    @Test
    void theQuickStartRunsEveryFeatureToReadyToMergeAndLeavesThemOnDisk() throws Exception {
        QuickStart.main(new String[] {tmp.toString()});
        Path repo = tmp.resolve("shop");
        // A new orchestrator on the same repository finds what the quick start left.
        try (Orchestrator o = Orchestrator.builder().repo(repo).agent(new DemoAgentLauncher()).ci(Ci.none()).start()) {
            Map<String, SessionState> states = o.sessions().stream().collect(Collectors.toMap(Session::name, Session::state));
            assertEquals(Map.of("auth-api", READY_TO_MERGE, "dashboard-ui", READY_TO_MERGE, "payments", READY_TO_MERGE,
                    "audit-log", READY_TO_MERGE), states);
            Session dashboard = o.session("dashboard-ui");
            assertEquals(3, dashboard.progress().completed());
            assertTrue(Files.readString(dashboard.worktree().orElseThrow().resolve("NOTES.md")).contains("add tests"),
                    "the answer to its question was worked in");
            assertTrue(o.session("audit-log").createdAt().isAfter(o.session("payments").createdAt()));
        }
        String log = TestRepos.git(repo, "log", "--format=%s", "feature/auth-api");
        assertTrue(log.startsWith("auth-api: Implement JWT authentication"), log);
        assertEquals("", TestRepos.git(repo, "status", "--porcelain").trim(), "the main worktree is untouched");
    }

    @Test
    void theDemoAgentFailsWhenToldToAndItsFailureIsTheSessionsMessage() {
        Path repo = TestRepos.withCommit(tmp.resolve("repo"));
        try (Orchestrator o = Orchestrator.builder().repo(repo).agent(new DemoAgentLauncher(Duration.ofMillis(10))).ci(Ci.none())
                .feature("doomed", "Please FAIL loudly").start()) {
            Session s = o.await("doomed", Duration.ofSeconds(60));
            assertEquals(FAILED, s.state());
            assertTrue(s.message().contains("told to fail"), s.message());
            assertTrue(Files.exists(s.worktree().orElseThrow().resolve("features/doomed.md")), "the work done before failing stays");
        }
    }
}
