package dev.agentorchestrator.examples;

import static dev.agentorchestrator.SessionState.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.ForecastMatrix;
import dev.agentorchestrator.MergeResult;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.examples.demo.DemoAgentLauncher;
import dev.agentorchestrator.examples.demo.DemoProject;
import dev.agentorchestrator.testing.TestRepos;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main job, and the offline demo agent through the default (JGit) backend. */
class QuickStartTest {

    @TempDir
    Path tmp;

    @Test
    void theQuickStartShowsTheReactionTheOverlapTheForecastAndTheDependencyAndEndsReadyToMerge() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        QuickStart.Run run = QuickStart.run(tmp, Duration.ofMillis(100), new PrintStream(printed, true, StandardCharsets.UTF_8));
        String output = printed.toString(StandardCharsets.UTF_8);
        List<OrchestratorEvent> events = run.events();
        Path repo = run.repository();

        Map<String, SessionState> states = run.status().sessions().stream().collect(Collectors.toMap(Session::name, Session::state));
        assertEquals(Map.of("auth-api", READY_TO_MERGE, "dashboard-ui", READY_TO_MERGE, "payments", READY_TO_MERGE,
                "audit-log", READY_TO_MERGE), states, output);

        // payments: red CI, the reaction sends it back, green CI on a later commit.
        int red = indexOf(events, e -> e instanceof OrchestratorEvent.CiFinished c && c.session().equals("payments")
                && c.result().status() == CiResult.Status.FAILED);
        assertTrue(red >= 0, "payments' first CI run is red\n" + output);
        CiResult redResult = ((OrchestratorEvent.CiFinished) events.get(red)).result();
        assertEquals("ShopTest.payments", redResult.failures().get(0).displayName(), redResult.summary());
        int reaction = indexOf(events, e -> e instanceof OrchestratorEvent.ReactionTaken r && r.session().equals("payments"));
        assertTrue(reaction > red, "a reaction follows the red run\n" + output);
        int green = indexOf(events, e -> e instanceof OrchestratorEvent.CiFinished c && c.session().equals("payments")
                && c.result().status() == CiResult.Status.PASSED);
        assertTrue(green > reaction, "CI goes green after the reaction\n" + output);
        String greenCommit = ((OrchestratorEvent.CiFinished) events.get(green)).result().commit();
        assertNotEquals(redResult.commit(), greenCommit, "the green run tests the agent's fix, a later commit");
        assertEquals(redResult.commit(), TestRepos.git(repo, "rev-parse", greenCommit + "^").trim(), "the fix is the next commit");
        assertFalse(TestRepos.git(repo, "show", "main:src/payments.txt").contains("TODO"), "the fix is what was merged");

        // auth-api and dashboard-ui: the overlap names both and the shared file; the forecast says CONFLICT there.
        for (String session : QuickStart.OVERLAPPING_FEATURES) {
            String other = QuickStart.OVERLAPPING_FEATURES.stream().filter(s -> !s.equals(session)).findFirst().orElseThrow();
            assertTrue(events.stream().anyMatch(e -> e instanceof OrchestratorEvent.FilesOverlap f && f.session().equals(session)
                    && f.otherSessions().contains(other) && f.files().contains(DemoProject.ROUTES)), "overlap for " + session + "\n" + output);
        }
        ForecastMatrix.Cell cell = run.status().forecast().pair("auth-api", "dashboard-ui").orElseThrow();
        assertEquals(ForecastMatrix.Outcome.CONFLICT, cell.outcome(), run.status().forecast().toTable());
        assertEquals(List.of(DemoProject.ROUTES), cell.conflictingPaths());
        assertTrue(events.stream().anyMatch(e -> e instanceof OrchestratorEvent.ForecastChanged f && f.cell().equals(cell)));
        assertTrue(output.contains("OVERLAP: ") && output.contains("CONFLICT in " + DemoProject.ROUTES), output);
        assertTrue(output.contains("conflict forecast: auth-api x dashboard-ui: " + DemoProject.ROUTES), "the final table shows it\n" + output);

        // audit-log is stacked on payments (issue 17): it started once payments had its branch, before payments was
        // ready, and followed payments' later fix, so the fix is on its branch under its own commit.
        int paymentsReady = indexOf(events, e -> e instanceof OrchestratorEvent.StateChanged c && c.session().equals("payments")
                && c.to() == READY_TO_MERGE);
        int auditStarted = indexOf(events, e -> e instanceof OrchestratorEvent.StateChanged c && c.session().equals("audit-log")
                && c.from() == QUEUED);
        assertTrue(auditStarted >= 0 && paymentsReady > auditStarted, output);
        String auditTested = run.status().session("audit-log").orElseThrow().lastCi().orElseThrow().commit();
        assertEquals(0, TestRepos.tryGit(repo, "merge-base", "--is-ancestor", greenCommit, auditTested).exitCode(),
                "audit-log's tested branch holds payments' fix\n" + output);

        // Never more than two agents at once, and the question was answered and worked in.
        assertTrue(events.stream().filter(e -> e instanceof OrchestratorEvent.SlotAcquired).allMatch(e -> ((OrchestratorEvent.SlotAcquired) e).inUse() <= 2));
        assertTrue(output.contains("dashboard-ui asks: "), output);
        assertTrue(Files.readString(worktree(run, "dashboard-ui").resolve("NOTES.md")).contains("add tests"),
                "the answer to its question was worked in");

        // The merge queue: every feature merges but dashboard-ui, whose merge after auth-api conflicts in the shared file.
        Map<String, MergeResult.Outcome> merged = run.merges().stream()
                .collect(Collectors.toMap(MergeResult::feature, MergeResult::outcome));
        assertEquals(Map.of("auth-api", MergeResult.Outcome.MERGED, "dashboard-ui", MergeResult.Outcome.CONFLICT,
                "payments", MergeResult.Outcome.MERGED, "audit-log", MergeResult.Outcome.MERGED), merged, output);
        assertEquals(List.of(DemoProject.ROUTES), run.merges().get(1).conflicts());
        assertTrue(output.contains("dashboard-ui   CONFLICT"), output);
        assertEquals("", TestRepos.git(repo, "status", "--porcelain").trim(), "the main worktree followed main and is clean");
        // The refused feature's branch, renamed by hand, is noticed and adopted (issue 15).
        assertTrue(output.contains("the orchestrator notices: the branch 'feature/dashboard-ui'") && output.contains(
                "repair(\"dashboard-ui\"): the session's branch is now wip/dashboard-ui"), output);
        assertTrue(TestRepos.git(repo, "branch", "--list", "feature/dashboard-ui").isBlank(), "no branch made from main");
        // Then a person takes it over: held, a prompt sent meanwhile waits, and runs once it is released.
        assertTrue(output.contains("hold(\"dashboard-ui\"): held: handed over: a person resolves the conflict by hand"), output);
        assertTrue(output.contains("a prompt sent meanwhile waits: 1 pending"), output);
        assertTrue(output.contains("release(\"dashboard-ui\"): the prompt ran; dashboard-ui is READY_TO_MERGE"), output);

        // A new orchestrator on the same repository finds what the quick start left.
        try (Orchestrator o = Orchestrator.builder().repo(repo).agent(new DemoAgentLauncher()).ci(Ci.none()).start()) {
            assertEquals(SessionState.MERGED, o.session("auth-api").state());
            assertEquals(READY_TO_MERGE, o.session("dashboard-ui").state());
            assertEquals("wip/dashboard-ui", o.session("dashboard-ui").branch(), "the adopted name is stored");
            assertTrue(o.drift("dashboard-ui").isEmpty());
        }
        String log = TestRepos.git(repo, "log", "--format=%s", "main");
        assertTrue(log.contains("auth-api: Implement JWT authentication"), log);
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

    private static Path worktree(QuickStart.Run run, String name) {
        return run.status().session(name).orElseThrow().worktree().orElseThrow();
    }

    private static int indexOf(List<OrchestratorEvent> events, Predicate<OrchestratorEvent> p) {
        return IntStream.range(0, events.size()).filter(i -> p.test(events.get(i))).findFirst().orElse(-1);
    }
}
