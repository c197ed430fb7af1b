package dev.agentorchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.RemoveRequest;
import dev.agentorchestrator.internal.git.AtomicWorktreeCreate;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.ScriptAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by the engine kill loop (-Dreliability.seed=11206601052730): removing a session while its
 * worktree was being made removed the record but left the worktree, which no session owned.
 */
class RemoveWhileCreatingTest {

    @TempDir
    Path tmp;

    @AfterEach
    void unhook() {
        AtomicWorktreeCreate.onStep(null);
    }

    @Test
    void aSessionRemovedWhileItsWorktreeIsBeingMadeLeavesNoWorktreeBehind() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicWorktreeCreate.onStep(step -> {
            if (step.equals("visible") && reached.getCount() > 0) {
                reached.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of("echo SESSION s")))) {
            o.addFeature("racing", "task");
            assertTrue(reached.await(60, TimeUnit.SECONDS), "the create reached its last step");
            // The worktree is whole and listed, but the session's record does not name it yet.
            CompletableFuture<Void> removal = CompletableFuture.runAsync(() -> o.remove(RemoveRequest.of("racing").force()));
            Await.until("the stop asked by remove", Duration.ofSeconds(30),
                    () -> o.findSession("racing").map(s -> s.haltRequested()).orElse(true));
            release.countDown();
            removal.get(90, TimeUnit.SECONDS);

            assertTrue(o.findSession("racing").isEmpty(), "the session is removed");
            assertEquals(1, f.git("worktree", "list", "--porcelain").split("\n\n").length,
                    "only the main worktree is left:\n" + f.git("worktree", "list"));
            assertFalse(Files.exists(f.repo.resolveSibling("repo.worktrees").resolve("racing")), "the worktree folder is gone");
            assertEquals("", f.git("branch", "--list", "feature/racing"), "the branch is deleted");
        }
    }
}
