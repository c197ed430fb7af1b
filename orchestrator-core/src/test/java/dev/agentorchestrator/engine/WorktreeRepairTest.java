package dev.agentorchestrator.engine;

import static dev.agentorchestrator.SessionState.FAILED;
import static dev.agentorchestrator.SessionState.READY_TO_MERGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.Feature;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.WorktreeSetup;
import dev.agentorchestrator.testing.ScriptAgent;
import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A session whose worktree is gone (removed or pruned by hand, or never finished) gets it back on
 * its own branch, with every commit, when it is prompted; a prompt is never swallowed (issue 15,
 * defects 1 and 2).
 */
class WorktreeRepairTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "worktree {0}")
    @ValueSource(strings = {"deleted and pruned", "removed with git"})
    void aPromptToASessionWhoseWorktreeIsGoneMakesItAgainOnItsBranch(String how) throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path worktree;
        String headBefore;
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(EngineShapeTest.FIXING_AGENT)).feature("gone", "first"))) {
            Session s = o.await("gone", Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, s.state());
            worktree = s.worktree().orElseThrow();
            headBefore = f.git("rev-parse", "feature/gone");
        }
        if (how.startsWith("deleted")) {
            deleteTree(worktree);
            TestRepos.git(f.repo, "worktree", "prune");
        } else {
            TestRepos.git(f.repo, "worktree", "remove", "--force", worktree.toString());
        }
        assertFalse(Files.exists(worktree));
        try (Orchestrator o = f.builder().agent(ScriptAgent.of(EngineShapeTest.FIXING_AGENT)).start()) {
            o.prompt("gone", "fix");
            Session s = o.await("gone", Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, s.state(), s.toString());
            assertTrue(s.pendingPrompts().isEmpty(), "the prompt was delivered");
            assertEquals(worktree, s.worktree().orElseThrow());
            assertTrue(Files.exists(worktree.resolve("fixed.txt")) && Files.exists(worktree.resolve("task.txt")),
                    "the worktree is back with the earlier commit and the new one");
            assertEquals(headBefore, f.git("rev-parse", "feature/gone~1"), "the branch kept its commit and grew by one");
            assertEquals("feature/gone", TestRepos.git(worktree, "branch", "--show-current").trim());
        }
    }

    @Test
    void aSessionWhoseSetupFailedIsRetriedWithItsSetupAfterItsWorktreeWasRemoved() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path allowed = tmp.resolve("setup-may-pass");
        Path runs = tmp.resolve("setup-runs");
        WorktreeSetup setup = WorktreeSetup.running("bash", "-c", "echo run >> '" + runs + "'; test -f '" + allowed + "'");
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(EngineShapeTest.FIXING_AGENT))
                .feature(Feature.builder("e", "the task").setup(setup).build()))) {
            Session failed = o.await("e", Duration.ofSeconds(60));
            assertEquals(FAILED, failed.state());
            Path worktree = failed.worktree().orElseThrow();
            assertTrue(Files.isDirectory(worktree), "a failed setup keeps its worktree for inspection");
            deleteTree(worktree);
            TestRepos.git(f.repo, "worktree", "prune");

            o.prompt("e", "still failing?");
            Session again = o.await("e", Duration.ofSeconds(60));
            assertEquals(FAILED, again.state(), again.toString());
            assertTrue(again.message().contains("setup command") && again.message().contains("not delivered"), again.message());
            assertFalse(again.message().contains("already exists"), "its own branch is no obstacle: " + again.message());
            assertTrue(again.pendingPrompts().isEmpty(), "an undeliverable prompt does not wait for ever");

            Files.writeString(allowed, "yes");
            o.prompt("e", "fix");
            Session done = o.await("e", Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, done.state(), done.toString());
            assertEquals(3, Files.readAllLines(runs).size(), "the setup ran each time, and again in the new worktree");
            assertEquals(List.of("agent: fix", "agent: the task"),
                    List.of(f.git("log", "--format=%s", "-2", "feature/e").split("\n")),
                    "the agent, which never ran, began with its task");
        }
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
