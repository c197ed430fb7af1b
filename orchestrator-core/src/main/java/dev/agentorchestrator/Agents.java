package dev.agentorchestrator;

import dev.agentorchestrator.agents.AiderLauncher;
import dev.agentorchestrator.agents.ClaudeCodeLauncher;
import dev.agentorchestrator.agents.CodexLauncher;
import dev.agentorchestrator.agents.CommandLauncher;
import dev.agentorchestrator.agents.GeminiLauncher;
import dev.agentorchestrator.spi.AgentLauncher;

/**
 * Ready-made launchers with their defaults, for {@link Orchestrator.Builder#agent(AgentLauncher)}
 * and {@link Feature.Builder#agent(AgentLauncher)}. For options, use each launcher's builder, such
 * as {@code ClaudeCodeLauncher.builder().permissionMode("acceptEdits").build()}; docs/agents.md
 * describes them all.
 */
public final class Agents {

    private Agents() {
    }

    /** Claude Code ({@code claude -p ... --output-format stream-json}), the default. */
    public static AgentLauncher claudeCode() {
        return new ClaudeCodeLauncher();
    }

    /** OpenAI Codex ({@code codex exec --json}). */
    public static AgentLauncher codex() {
        return new CodexLauncher();
    }

    /** Aider in non-interactive message mode. */
    public static AgentLauncher aider() {
        return new AiderLauncher();
    }

    /** Gemini CLI in prompt mode with stream-json output. */
    public static AgentLauncher gemini() {
        return new GeminiLauncher();
    }

    /**
     * Any command, run without a shell: {@code {prompt}} in an argument is replaced by the prompt;
     * with no {@code {prompt}}, the prompt goes to standard input. Exit code 0 is done.
     *
     * <pre>{@code Agents.command("python3", "my_agent.py", "--task", "{prompt}")}</pre>
     */
    public static AgentLauncher command(String... command) {
        return CommandLauncher.of(command);
    }
}
