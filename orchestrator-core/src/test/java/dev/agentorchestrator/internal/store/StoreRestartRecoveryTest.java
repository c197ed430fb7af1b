package dev.agentorchestrator.internal.store;

import static dev.agentorchestrator.internal.store.StoreFixtures.everyField;
import static dev.agentorchestrator.internal.store.StoreFixtures.queued;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.spi.StateStore;
import dev.agentorchestrator.store.StateStores;
import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An orchestrator started again on the same repository, from any worktree, finds every session as it was. */
class StoreRestartRecoveryTest {

    @TempDir
    Path temp;

    @Test
    void aNewStoreFromALinkedWorktreeFindsEverySessionInItsStateInCreationOrder() {
        Path repo = TestRepos.withCommit(temp.resolve("repo"));
        Path mainCommonDir = commonGitDir(repo);
        List<SessionRecord> expected;
        try (StateStore store = StateStores.jsonFiles(mainCommonDir)) {
            // Created out of name order, pairs at the same instant, so that the order is visibly by time, then name.
            store.create(queued("zeta", 0));
            store.create(everyField("ui/Écran"));
            store.create(queued("beta", 30));
            store.create(queued("alpha", 30));
            store.create(queued("merged-one", 60));
            store.update("zeta", s -> s.toBuilder().state(SessionState.CREATING_WORKTREE).build());
            store.update("zeta", s -> s.toBuilder().state(SessionState.RUNNING)
                    .agentHandle("local:4242:" + Instant.parse("2025-03-01T11:00:00Z").toEpochMilli()).agentSessionId("conv-1").turns(3).build());
            store.update("beta", s -> s.toBuilder().state(SessionState.FAILED).message("launch failed: no claude").build());
            store.update("merged-one", s -> s.toBuilder().state(SessionState.MERGED).build());
            store.log("zeta").append("agent said hello");
            expected = store.loadAll();
        }
        assertEquals(List.of("ui/Écran", "zeta", "alpha", "beta", "merged-one"),
                expected.stream().map(SessionRecord::name).toList());

        TestRepos.git(repo, "worktree", "add", "-q", "-b", "feature/zeta", temp.resolve("wt-zeta").toString());
        Path fromWorktree = commonGitDir(temp.resolve("wt-zeta"));
        assertEquals(mainCommonDir, fromWorktree, "a linked worktree shares the common git directory");

        try (StateStore again = StateStores.jsonFiles(fromWorktree)) {
            assertEquals(expected, again.loadAll());
            assertEquals(SessionState.RUNNING, again.load("zeta").orElseThrow().state());
            assertEquals(List.of("agent said hello"), again.log("zeta").tail(5));
        }
    }

    private static Path commonGitDir(Path worktree) {
        String out = TestRepos.git(worktree, "rev-parse", "--path-format=absolute", "--git-common-dir").trim();
        return Path.of(out).toAbsolutePath().normalize();
    }
}
