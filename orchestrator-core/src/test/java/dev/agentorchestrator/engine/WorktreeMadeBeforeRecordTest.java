package dev.agentorchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.spi.StateStore;
import dev.agentorchestrator.store.StateStores;
import dev.agentorchestrator.testing.ScriptAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by the engine kill loop (-Dreliability.seed=11755159886509): a host killed after a
 * session's worktree was made and before its record named it left a whole worktree that no
 * session owned; prompting the session then FAILED with "already checked out" on its own branch.
 * The restarted engine takes that worktree back into the record.
 */
class WorktreeMadeBeforeRecordTest {

    static final String COMMIT = String.join("\n",
            "echo SESSION s",
            "printf '%s\\n' \"$1\" >> work.txt",
            "git add work.txt && git -c user.name=A -c user.email=a@example.invalid commit -q -m \"$1\"");

    @TempDir
    Path tmp;

    @Test
    void theRestartedEngineTakesBackAWorktreeItsRecordDoesNotNameAndAPromptUsesIt() {
        EngineFixture f = new EngineFixture(tmp);
        Path worktree;
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(COMMIT)).feature("made", "first"))) {
            worktree = o.await("made", Duration.ofSeconds(60)).worktree().orElseThrow();
        }
        String head = f.git("rev-parse", "feature/made");
        // What a host killed right after the create returned leaves: the worktree whole, the record without it.
        try (StateStore store = StateStores.jsonFiles(f.repo.resolve(".git"))) {
            store.update("made", r -> r.toBuilder().worktree(null).state(SessionState.CREATING_WORKTREE)
                    .work(dev.agentorchestrator.Session.Work.RUNNING).message("making worktree").build());
        }

        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(COMMIT)))) {
            Session recovered = o.session("made");
            assertEquals(SessionState.INTERRUPTED, recovered.state(), recovered.message());
            assertEquals(Optional.of(worktree), recovered.worktree(), "the record names the worktree again");

            o.prompt("made", "second");
            Session after = o.await("made", Duration.ofSeconds(60));
            assertEquals(SessionState.READY_TO_MERGE, after.state(), after.message());
            assertEquals(Optional.of(worktree), after.worktree());
            assertEquals("first\nsecond\n", read(worktree.resolve("work.txt")));
            assertEquals(head, f.git("rev-parse", "feature/made~1"), "the branch went on from where it was");
            assertEquals(2, f.git("worktree", "list", "--porcelain").split("\n\n").length, "no second worktree");
        }
    }

    private static String read(Path file) {
        try {
            assertTrue(Files.isRegularFile(file), file + " exists");
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
