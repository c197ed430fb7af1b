package dev.agentorchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.spi.StateStore;
import dev.agentorchestrator.store.StateStores;
import dev.agentorchestrator.testing.ScriptAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by the engine kill loop (-Dreliability.seed=12210801325488): a host killed during a merge
 * left the session MERGING for ever (never settled, so every await ran out), and the merge queue's
 * temporary worktree belonged to no session. The restarted engine settles the merge by what the
 * base holds and removes the temporary worktree.
 */
class MergeLeftByACrashTest {

    @TempDir
    Path tmp;

    private Path readyFeature(EngineFixture f) {
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(WorktreeMadeBeforeRecordTest.COMMIT)).feature("m", "work"))) {
            Session s = o.await("m", Duration.ofSeconds(60));
            assertEquals(SessionState.READY_TO_MERGE, s.state(), s.message());
            return s.worktree().orElseThrow();
        }
    }

    /** What a host killed inside merge() leaves in the record. */
    private static void leaveMerging(EngineFixture f) {
        try (StateStore store = StateStores.jsonFiles(f.repo.resolve(".git"))) {
            store.update("m", r -> r.toBuilder().state(SessionState.MERGING).work(Session.Work.RUNNING)
                    .message("merging into main").build());
        }
    }

    @Test
    void aMergeKilledBeforeTheBaseMovedIsReadyToMergeAgainAndTheTemporaryWorktreeIsGone() {
        EngineFixture f = new EngineFixture(tmp);
        readyFeature(f);
        String main = f.git("rev-parse", "main");
        leaveMerging(f);
        Path leftover = f.repo.resolveSibling("repo.worktrees").resolve(".merge-test-1");
        f.git("worktree", "add", "-q", "-b", "agent-orchestrator/merge-test-1", leftover.toString(), "feature/m");
        // A host killed between removing a merge-test worktree and deleting its branch leaves the branch alone.
        f.git("branch", "agent-orchestrator/merge-test-2", "feature/m");

        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(WorktreeMadeBeforeRecordTest.COMMIT)))) {
            Session s = o.await("m", Duration.ofSeconds(30));
            assertEquals(SessionState.READY_TO_MERGE, s.state(), s.message());
            assertTrue(s.message().contains("merge again"), s.message());
            assertEquals(main, f.git("rev-parse", "main"), "the base did not move");
            assertFalse(Files.exists(leftover), "the merge-test worktree is removed");
            assertEquals("", f.git("branch", "--list", "agent-orchestrator/*"), "and its branch");
            assertTrue(o.merge("m").merged(), "the merge can be made again");
        }
    }

    @Test
    void aMergeKilledAfterTheBaseMovedIsMerged() {
        EngineFixture f = new EngineFixture(tmp);
        Path worktree = readyFeature(f);
        leaveMerging(f);
        f.git("merge", "-q", "--no-ff", "-m", "merge m", "feature/m"); // the base moved before the kill

        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(WorktreeMadeBeforeRecordTest.COMMIT)))) {
            Session s = o.await("m", Duration.ofSeconds(30));
            assertEquals(SessionState.MERGED, s.state(), s.message());
            assertTrue(Files.isDirectory(worktree), "the worktree is kept");
        }
    }

    @Test
    void aSquashMergeKilledAfterTheBaseMovedIsMergedThoughTheBaseLacksTheCommits() {
        EngineFixture f = new EngineFixture(tmp);
        Path worktree = readyFeature(f);
        leaveMerging(f);
        // What a squash merge does before the kill: the base gets the branch's changes as one new commit.
        f.git("merge", "-q", "--squash", "feature/m");
        f.git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "squashed m");
        assertTrue(!f.git("rev-list", "main..feature/m").isBlank(), "the base lacks the branch's commits by ancestry");

        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(WorktreeMadeBeforeRecordTest.COMMIT)))) {
            Session s = o.await("m", Duration.ofSeconds(30));
            assertEquals(SessionState.MERGED, s.state(), s.message());
            assertTrue(s.message().contains("took the branch's changes"), s.message());
            assertTrue(Files.isDirectory(worktree), "the worktree is kept");
        }
    }

    @Test
    void aBaseThatMovedWithOtherWorkIsNotTakenForAMerge() {
        EngineFixture f = new EngineFixture(tmp);
        readyFeature(f);
        leaveMerging(f);
        f.git("checkout", "-q", "main");
        java.nio.file.Path other = f.repo.resolve("other.txt");
        try {
            Files.writeString(other, "someone else's work\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        f.git("add", "other.txt");
        f.git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "other work");

        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(WorktreeMadeBeforeRecordTest.COMMIT)))) {
            Session s = o.await("m", Duration.ofSeconds(30));
            assertEquals(SessionState.READY_TO_MERGE, s.state(), s.message());
            assertTrue(o.merge("m").merged(), "the merge is made again");
        }
    }
}
