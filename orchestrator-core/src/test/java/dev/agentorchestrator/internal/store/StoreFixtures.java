package dev.agentorchestrator.internal.store;

import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.Session;
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
    static Session queued(String name, long seconds) {
        return Session.queued(name, "Implement " + name, "main", "feature/" + name, List.of(), "claude-code",
                T0.plusSeconds(seconds));
    }

    /** A session with every field set, optionals present. */
    static Session everyField(String name) {
        CiResult ci = new CiResult(CiResult.Status.FAILED, "0123456789abcdef0123456789abcdef01234567", 41, 2, 3,
                Duration.ofMillis(93_250), T0.plusSeconds(600), "FooTest.bar: expected 1 but was 2\n\"quoted\" ✓");
        return queued(name, 0).toBuilder()
                .prompt("Écris l'API « auth » with \"quotes\", back\\slash and a\nnew line")
                .worktree(Path.of("/repos/demo.worktrees/" + name))
                .state(SessionState.WAITING_FOR_INPUT)
                .message("Which database should I use?")
                .agentSessionId("3f1c2a9e-7b6d-4e0f-9a8b-1c2d3e4f5a6b")
                .agentProcess(424242L, T0.plusSeconds(5))
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
    static Session optionalsEmpty(String name) {
        return queued(name, 1);
    }

    /** Adds one turn. */
    static Session plusOneTurn(Session s) {
        return s.toBuilder().turns(s.turns() + 1).build();
    }
}
