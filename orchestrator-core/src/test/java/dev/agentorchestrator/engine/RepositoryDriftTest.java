package dev.agentorchestrator.engine;

import static dev.agentorchestrator.SessionState.READY_TO_MERGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.RepositoryDrift;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.testing.ScriptAgent;
import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session's record follows the repository's truth (issue 15): a worktree moved or removed, a
 * branch renamed or deleted, another branch checked out, all by hand, are noticed at start and
 * before each action, shown in the status with what to do, and repaired through the API. Before
 * this, a session whose branch was gone silently started again from its base.
 */
class RepositoryDriftTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private EngineFixture f;

    private Orchestrator.Builder builder() {
        return f.builder().agent(ScriptAgent.of(EngineShapeTest.FIXING_AGENT)).ci(Ci.command("true"));
    }

    /** Runs feature {@code name} to READY_TO_MERGE with one commit, closes, and returns its worktree. */
    private Path finished(String name) {
        try (Orchestrator o = f.start(builder().feature(name, "first"))) {
            Session s = o.await(name, WAIT);
            assertEquals(READY_TO_MERGE, s.state(), s.toString());
            return s.worktree().orElseThrow();
        }
    }

    private String git(String... args) {
        return f.git(args);
    }

    @Test
    void aBranchRenamedByHandIsShownAtStartRefusesPromptsAndIsAdoptedByRepair() {
        f = new EngineFixture(tmp);
        Path worktree = finished("ren");
        String head = git("rev-parse", "feature/ren");
        git("branch", "-m", "feature/ren", "topic/renamed");
        try (Orchestrator o = f.start(builder())) {
            Session s = o.session("ren");
            assertTrue(s.attention().contains("feature/ren") && s.attention().contains("topic/renamed")
                    && s.attention().contains("repair(\"ren\")"), "the status shows what differs and what to do: " + s.attention());
            assertEquals(RepositoryDrift.Kind.BRANCH_RENAMED, o.drift("ren").orElseThrow().kind());
            assertTrue(o.status().toTable().contains("topic/renamed"), o.status().toTable());

            GitException refused = assertThrows(GitException.class, () -> o.prompt("ren", "fix"));
            assertTrue(refused.getMessage().contains("repair(\"ren\")"), refused.getMessage());
            assertTrue(o.session("ren").pendingPrompts().isEmpty(), "a refused prompt is not queued");
            assertThrows(GitException.class, () -> o.runCi("ren"));

            Session repaired = o.repair("ren");
            assertEquals("topic/renamed", repaired.branch());
            assertEquals("", repaired.attention());
            assertTrue(o.drift("ren").isEmpty());
            o.prompt("ren", "fix");
            Session done = o.await("ren", WAIT);
            assertEquals(READY_TO_MERGE, done.state(), done.toString());
            assertEquals(head, git("rev-parse", "topic/renamed~1"), "the renamed branch kept its commit and grew");
            assertEquals(worktree, done.worktree().orElseThrow());
            assertFalse(git("branch", "--list", "feature/ren").contains("feature/ren"), "no branch was made from the base");
        }
        try (Orchestrator o = f.start(builder())) {
            assertEquals("topic/renamed", o.session("ren").branch(), "the adopted name is stored");
            assertTrue(o.drift("ren").isEmpty());
        }
    }

    @Test
    void aWorktreeMovedByHandIsAdoptedByRepairAndTheNextTurnRunsThere() throws Exception {
        f = new EngineFixture(tmp);
        Path worktree = finished("mov");
        Path moved = tmp.resolve("elsewhere").resolve("mov");
        Files.createDirectories(moved.getParent());
        TestRepos.git(f.repo, "worktree", "move", worktree.toString(), moved.toString());
        try (Orchestrator o = f.start(builder())) {
            RepositoryDrift d = o.drift("mov").orElseThrow();
            assertEquals(RepositoryDrift.Kind.WORKTREE_MOVED, d.kind());
            assertEquals(moved.toAbsolutePath().normalize(), d.foundFolder().orElseThrow());
            assertThrows(GitException.class, () -> o.prompt("mov", "fix"), "a turn would make a second worktree");
            o.repair("mov");
            o.prompt("mov", "fix");
            Session done = o.await("mov", WAIT);
            assertEquals(READY_TO_MERGE, done.state(), done.toString());
            assertEquals(moved.toAbsolutePath().normalize(), done.worktree().orElseThrow());
            assertTrue(Files.exists(moved.resolve("fixed.txt")), "the agent worked in the moved folder");
            assertFalse(Files.exists(worktree), "nothing was made at the old place");
        }
    }

    @Test
    void aDeletedBranchIsMadeAgainAtTheLastTestedCommitNotSilentlyFromTheBase() {
        f = new EngineFixture(tmp);
        Path worktree = finished("del");
        String head = git("rev-parse", "feature/del");
        TestRepos.git(f.repo, "worktree", "remove", "--force", worktree.toString());
        git("branch", "-D", "feature/del");
        try (Orchestrator o = f.start(builder())) {
            RepositoryDrift d = o.drift("del").orElseThrow();
            assertEquals(RepositoryDrift.Kind.BRANCH_GONE, d.kind());
            assertTrue(d.fix().contains(head.substring(0, 12)), "the fix names the commit it will use: " + d.fix());
            assertThrows(GitException.class, () -> o.prompt("del", "fix"));
            assertFalse(git("branch", "--list", "feature/del").contains("del"), "the refused prompt made no branch");

            Session repaired = o.repair("del");
            assertEquals(head, git("rev-parse", "feature/del"), "the branch is back at its last tested commit");
            assertTrue(Files.exists(repaired.worktree().orElseThrow().resolve("task.txt")));
            o.prompt("del", "fix");
            assertEquals(READY_TO_MERGE, o.await("del", WAIT).state());
            assertEquals(head, git("rev-parse", "feature/del~1"));
        }
    }

    @Test
    void aDeletedBranchWithNoKnownCommitStartsAgainFromTheBaseOnlyWhenAskedAndSaysSo() throws Exception {
        f = new EngineFixture(tmp);
        Path worktree;
        // A failed setup: the worktree was made, no turn and no CI ran, so no commit of the branch is recorded.
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(EngineShapeTest.FIXING_AGENT))
                .feature(dev.agentorchestrator.Feature.builder("gone", "first")
                        .setup(dev.agentorchestrator.WorktreeSetup.running("false")).build()))) {
            Session failed = o.await("gone", WAIT);
            assertEquals(dev.agentorchestrator.SessionState.FAILED, failed.state(), failed.toString());
            worktree = failed.worktree().orElseThrow();
        }
        TestRepos.git(f.repo, "worktree", "remove", "--force", worktree.toString());
        git("branch", "-D", "feature/gone");
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(EngineShapeTest.FIXING_AGENT)))) {
            RepositoryDrift d = o.drift("gone").orElseThrow();
            assertEquals(RepositoryDrift.Kind.BRANCH_GONE, d.kind());
            assertTrue(d.fix().contains("from 'main'") || d.fix().contains("from '"), d.fix());
            o.repair("gone");
            assertEquals(git("rev-parse", "main"), git("rev-parse", "feature/gone"));
            String transcript = String.join("\n", Files.readAllLines(f.repo.resolve(".git/agent-orchestrator/logs/gone.log")));
            assertTrue(transcript.contains("Earlier work of this session is not on it"), transcript);
        }
    }

    @Test
    void anotherBranchCheckedOutIsShownAndNotRepairedButFollowingTheAdviceClearsIt() {
        f = new EngineFixture(tmp);
        Path worktree = finished("sw");
        TestRepos.git(worktree, "switch", "-c", "experiment");
        try (Orchestrator o = f.start(builder())) {
            RepositoryDrift d = o.drift("sw").orElseThrow();
            assertEquals(RepositoryDrift.Kind.OTHER_BRANCH_CHECKED_OUT, d.kind());
            assertTrue(o.session("sw").attention().contains("experiment"));
            GitException refused = assertThrows(GitException.class, () -> o.repair("sw"));
            assertTrue(refused.getMessage().contains("git -C " + worktree + " switch feature/sw"), refused.getMessage());
            assertEquals("experiment", TestRepos.git(worktree, "branch", "--show-current").trim(), "repair touched nothing");

            TestRepos.git(worktree, "switch", "feature/sw");
            assertTrue(o.drift("sw").isEmpty());
            assertEquals("", o.session("sw").attention(), "the attention this check set is cleared");
        }
    }

    @Test
    void aWorktreeGoneIsShownAtStartAndClearedWhenThePromptMakesItAgain() throws Exception {
        f = new EngineFixture(tmp);
        Path worktree = finished("wt");
        TestRepos.git(f.repo, "worktree", "remove", "--force", worktree.toString());
        try (Orchestrator o = f.start(builder())) {
            assertTrue(o.session("wt").attention().contains("is gone"), o.session("wt").attention());
            assertFalse(o.drift("wt").orElseThrow().blocksWork(), "a turn makes it again by itself");
            o.prompt("wt", "fix");
            Session done = o.await("wt", WAIT);
            assertEquals(READY_TO_MERGE, done.state(), done.toString());
            assertEquals("", done.attention());
            assertTrue(Files.isDirectory(worktree));
        }
    }

    @Test
    void aDriftWhileTheEngineRunsIsNoticedBeforeTheNextAction() {
        f = new EngineFixture(tmp);
        try (Orchestrator o = f.start(builder().feature("live", "first"))) {
            assertEquals(READY_TO_MERGE, o.await("live", WAIT).state());
            git("branch", "-m", "feature/live", "feature/live2");
            GitException refused = assertThrows(GitException.class, () -> o.runCi("live"));
            assertTrue(refused.getMessage().contains("feature/live2"), refused.getMessage());
            assertTrue(o.status().sessions().stream().filter(s -> s.name().equals("live")).findFirst().orElseThrow()
                    .attention().contains("feature/live2"));
            assertEquals(List.of(), o.session("live").pendingPrompts());
        }
    }

    @Test
    void aBranchRefDeletedUnderItsCheckedOutWorktreeIsShownWithACommandThatBringsItBack() {
        f = new EngineFixture(tmp);
        Path worktree = finished("ref");
        String head = git("rev-parse", "feature/ref");
        git("update-ref", "-d", "refs/heads/feature/ref");
        try (Orchestrator o = f.start(builder())) {
            RepositoryDrift d = o.drift("ref").orElseThrow();
            assertEquals(RepositoryDrift.Kind.BRANCH_GONE, d.kind());
            assertThrows(GitException.class, () -> o.prompt("ref", "fix"));
            String command = d.fix().substring(d.fix().indexOf("'git ") + 1, d.fix().lastIndexOf('\''));
            assertTrue(command.contains(head), "the command names the last recorded commit: " + command);
            List<String> args = List.of(command.split(" "));
            TestRepos.git(worktree, args.subList(3, args.size()).toArray(String[]::new)); // the advice, followed
            assertTrue(o.drift("ref").isEmpty(), "following the advice clears it");
            o.prompt("ref", "fix");
            assertEquals(READY_TO_MERGE, o.await("ref", WAIT).state());
            assertEquals(head, git("rev-parse", "feature/ref~1"));
        }
    }
}
