package dev.agentorchestrator.internal.store;

import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.TaskProgress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Sessions for store tests. */
final class StoreFixtures {

    static final Instant T0 = Instant.parse("2025-03-01T10:15:30.123456789Z");

    private StoreFixtures() {
    }

    /** A new QUEUED session created at {@code T0 + seconds}. */
    static SessionRecord queued(String name, long seconds) {
        return SessionRecord.queued(name, "Implement " + name, "main", "feature/" + name, List.of(), "claude-code",
                java.util.Map.of(), dev.agentorchestrator.WorktreeSetup.NONE, T0.plusSeconds(seconds)).toBuilder().revision(1).build();
    }

    /** A session with every field set, optionals present. */
    static SessionRecord everyField(String name) {
        CiResult ci = new CiResult(CiResult.Status.FAILED, "0123456789abcdef0123456789abcdef01234567", 41, 2, 3,
                Duration.ofMillis(93_250), T0.plusSeconds(600), "FooTest.bar: expected 1 but was 2\n\"quoted\" ✓");
        return queued(name, 0).toBuilder()
                .prompt("Écris l'API « auth » with \"quotes\", back\\slash and a\nnew line")
                .worktree(Path.of("/repos/demo.worktrees/" + name))
                .state(SessionState.WAITING_FOR_INPUT)
                .message("Which database should I use?")
                .agentSessionId("3f1c2a9e-7b6d-4e0f-9a8b-1c2d3e4f5a6b")
                .agentHandle("local:424242:" + T0.plusSeconds(5).toEpochMilli())
                .agent("claude-code", java.util.Map.of("model", "opus", "allowedTools", "Read,Edit"))
                .setup(dev.agentorchestrator.WorktreeSetup.copying(".env").thenRun("npm", "ci"))
                .setupDone(true)
                .work(dev.agentorchestrator.Session.Work.RUNNING)
                .halt(SessionRecord.Halt.STOP)
                .progress(new TaskProgress(2, 5, "write the token refresh"))
                .costUsd(1.2345)
                .turns(17)
                .lastCi(ci)
                .pendingPrompts(List.of("use PostgreSQL", "and add a migration"))
                .updatedAt(T0.plusSeconds(700))
                .lastActivityAt(T0.plusSeconds(650))
                .build();
    }

    /** A session with every optional empty and empty lists. */
    static SessionRecord optionalsEmpty(String name) {
        return queued(name, 1);
    }

    /** Adds one turn. */
    static SessionRecord plusOneTurn(SessionRecord s) {
        return s.toBuilder().turns(s.turns() + 1).build();
    }
}
