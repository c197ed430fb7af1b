package dev.agentorchestrator.engine;

import static org.junit.jupiter.api.Assertions.*;

import dev.agentorchestrator.Agents;
import dev.agentorchestrator.Ci;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.git.GitCliBackend;
import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ready-made launchers, and a builder listener that sees what start() itself does. */
class AgentsFactoryTest {

    @TempDir
    Path tmp;

    @Test
    void eachFactoryGivesItsLauncher() {
        assertEquals("claude-code", Agents.claudeCode().name());
        assertEquals("codex", Agents.codex().name());
        assertEquals("aider", Agents.aider().name());
        assertEquals("gemini", Agents.gemini().name());
        assertEquals("command", Agents.command("echo", "{prompt}").name());
    }

    @Test
    void aCommandAgentRunsAFeatureAndTheBuilderListenerSeesItFromTheStart() {
        Path repo = TestRepos.withCommit(tmp.resolve("repo"));
        List<OrchestratorEvent> seen = new CopyOnWriteArrayList<>();
        try (Orchestrator o = Orchestrator.builder().repo(repo).git(new GitCliBackend()).ci(Ci.none())
                .agent(Agents.command("bash", "-c", "printf '%s' \"$1\" > prompt.txt; echo wrote it", "agent", "{prompt}"))
                .listener(seen::add)
                .uncommittedWork(dev.agentorchestrator.UncommittedWork.FLAG)
                .feature("cmd", "it's \"quoted\" $(not run)")
                .start()) {
            Session s = o.await("cmd", Duration.ofSeconds(30));
            assertEquals(SessionState.IDLE, s.state(), s.message());
            assertEquals(List.of("it's \"quoted\" $(not run)"), readLines(s.worktree().orElseThrow().resolve("prompt.txt")));
        }
        // Delivery is asynchronous: wait for the events, then look at the first.
        dev.agentorchestrator.testing.Await.until("events delivered", Duration.ofSeconds(10), () -> seen.stream()
                .anyMatch(e -> e instanceof OrchestratorEvent.StateChanged c && c.to() == SessionState.IDLE));
        assertTrue(seen.get(0) instanceof OrchestratorEvent.FeatureAdded, "first event: " + seen.get(0));
        assertTrue(seen.stream().anyMatch(e -> e instanceof OrchestratorEvent.StateChanged c && c.to() == SessionState.CREATING_WORKTREE));
    }

    private static List<String> readLines(Path p) {
        try {
            return java.nio.file.Files.readAllLines(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
