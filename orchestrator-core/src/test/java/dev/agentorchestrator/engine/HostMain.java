package dev.agentorchestrator.engine;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.git.GitCliBackend;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.ScriptAgent;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A host process for restart tests: starts an orchestrator whose agent runs until killed, prints
 * {@code RUNNING <pid>} once the agent works, then waits to be killed.
 */
public final class HostMain {
    private HostMain() {
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args[0]);
        AgentPids pids = new AgentPids();
        Orchestrator o = Orchestrator.builder().repo(repo).git(new GitCliBackend()).ci(Ci.none()).listener(pids)
                .agent(ScriptAgent.of(RestartRecoveryTest.LONG_AGENT))
                .feature("survivor", "work until killed").start();
        long pid = pids.await("survivor");
        // The handle is stored in the write that makes the session RUNNING: wait for exactly that.
        Await.until("agent running", Duration.ofSeconds(60), () -> o.session("survivor").state() == SessionState.RUNNING);
        System.out.println("RUNNING " + pid);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
