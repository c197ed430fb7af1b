package dev.agentorchestrator.engine;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.git.GitCliBackend;
import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real repository with a commit, and an orchestrator builder set up for fast engine tests. */
final class EngineFixture {
    final Path root;
    final Path repo;
    final List<OrchestratorEvent> events = new CopyOnWriteArrayList<>();

    EngineFixture(Path tempDir) {
        this.root = tempDir;
        this.repo = TestRepos.withFiles(tempDir.resolve("repo"), Map.of("README.md", "# demo\n", "src/app.txt", "v1\n"));
    }

    /** Git binary backend, default JSON store, no CI, quick retries and a short stop grace. */
    Orchestrator.Builder builder() {
        return Orchestrator.builder()
                .repo(repo)
                .git(new GitCliBackend())
                .ci(Ci.none())
                .stopGrace(Duration.ofSeconds(2))
                .launchRetry(2, Duration.ofMillis(50));
    }

    Orchestrator start(Orchestrator.Builder builder) {
        Orchestrator o = builder.start();
        o.events().subscribe(events::add);
        return o;
    }

    /** Runs git in the main worktree and returns its output without the trailing newline. */
    String git(String... args) {
        return dev.agentorchestrator.testing.TestRepos.git(repo, args).trim();
    }

    /** The states a session passed through, as published. */
    List<SessionState> statesOf(String session) {
        return events.stream().filter(e -> e instanceof OrchestratorEvent.StateChanged s && s.session().equals(session))
                .map(e -> ((OrchestratorEvent.StateChanged) e).to()).toList();
    }

    /** Waits until the listener has seen exactly these state changes of the session (delivery is asynchronous). */
    void assertStates(String session, List<SessionState> expected) {
        try {
            dev.agentorchestrator.testing.Await.until("events " + expected + " for " + session, java.time.Duration.ofSeconds(10),
                    () -> statesOf(session).size() >= expected.size());
        } catch (AssertionError timeout) {
            throw new AssertionError("only " + statesOf(session).size() + " of " + expected.size() + " state changes of "
                    + session + " arrived within 10 s: " + statesOf(session) + ", expected " + expected, timeout);
        }
        org.junit.jupiter.api.Assertions.assertEquals(expected, statesOf(session));
    }

    /** A bash script that commits a file named after the session, printing the protocol lines. */
    static String committingScript() {
        return String.join("\n",
                "set -e",
                "echo SESSION sess-$(basename \"$PWD\")",
                "echo PROGRESS 1/2",
                "printf '%s\\n' \"$1\" > task.txt",
                "git add task.txt",
                "git -c user.name=Agent -c user.email=agent@example.invalid commit -q -m \"agent: $1\"",
                "echo PROGRESS 2/2",
                "echo COST 0.25",
                "echo done");
    }
}
