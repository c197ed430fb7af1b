package dev.agentorchestrator.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.spi.AgentLauncher;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Codex, Gemini CLI and Aider are found through {@link ServiceLoader}, below Claude Code; the command launcher is not. */
class CodexGeminiAiderServiceLoaderTest {

    @Test
    void theThreeAgentsAreRegisteredBelowClaudeCode() {
        Map<String, AgentLauncher> byName = ServiceLoader.load(AgentLauncher.class).stream().map(ServiceLoader.Provider::get)
                .collect(Collectors.toMap(AgentLauncher::name, Function.identity(), (a, b) -> a));

        for (String name : List.of("codex", "gemini", "aider")) {
            AgentLauncher launcher = byName.get(name);
            assertTrue(launcher != null, name + " is registered: " + byName.keySet());
            assertTrue(launcher.priority() < 100, name + " stays below Claude Code's 100");
        }
        assertEquals(CodexLauncher.class, byName.get("codex").getClass());
        assertTrue(!byName.containsKey("command"), "the command launcher needs configuration and is not registered");
    }
}
