package dev.agentorchestrator.examples.dashboard;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.git.GitCliBackend;
import dev.agentorchestrator.spi.CiRunner;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.TestRepos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A real repository and an orchestrator running {@link TestAgent}s, for the dashboard's tests. */
final class DashboardFixture {

    static final Duration WAIT = Duration.ofSeconds(30);

    final Path repo;
    final Path gates;

    DashboardFixture(Path tempDir) {
        this.repo = TestRepos.withFiles(tempDir.resolve("repo"), Map.of("README.md", "# demo\n", "src/app.txt", "v1\n"));
        try {
            this.gates = Files.createDirectories(tempDir.resolve("gates"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Orchestrator.Builder builder() {
        return builder(Ci.none());
    }

    Orchestrator.Builder builder(CiRunner ci) {
        return Orchestrator.builder()
                .repo(repo)
                .git(new GitCliBackend())
                .agent(new TestAgent(gates))
                .ci(ci)
                .maxParallelSessions(8)
                .stopGrace(Duration.ofSeconds(2))
                .launchRetry(1, Duration.ofMillis(50));
    }

    /** Lets a session whose prompt says HOLD finish its turn. */
    void release(String session) {
        try {
            Files.writeString(gates.resolve(session), "go");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes the session's agent write (and commit) this file instead of {@code received.txt}; call before adding it. */
    void writesTo(String session, String file) {
        try {
            Files.writeString(gates.resolve(session + ".file"), file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void awaitState(Orchestrator o, String session, SessionState state) {
        Await.until(session + " in " + state, WAIT,
                () -> o.findSession(session).map(s -> s.state() == state).orElse(false));
    }
}
