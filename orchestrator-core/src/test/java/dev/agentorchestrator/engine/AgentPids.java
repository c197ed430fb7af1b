package dev.agentorchestrator.engine;

import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.testing.Await;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** Collects the pid a script agent prints as {@code PID <n>} (its own {@code $$}), per session. */
final class AgentPids implements Consumer<OrchestratorEvent> {
    private final Map<String, Long> pids = new ConcurrentHashMap<>();

    @Override
    public void accept(OrchestratorEvent e) {
        if (e instanceof OrchestratorEvent.AgentActivity a && a.event() instanceof AgentEvent.AssistantText t
                && t.text().startsWith("PID ")) {
            pids.put(a.session(), Long.parseLong(t.text().substring(4).trim()));
        }
    }

    long await(String session) {
        Await.until("the agent of " + session + " prints its pid", Duration.ofSeconds(60), () -> pids.containsKey(session));
        return pids.get(session);
    }
}
