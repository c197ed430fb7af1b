package dev.agentorchestrator.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of an agent.
 *
 * @param sessionName     the orchestrator's session (feature) name, for messages and logs
 * @param workspace       the worktree the agent works in, and its branch
 * @param prompt          the task, or the follow-up prompt when resuming
 * @param resumeSessionId the agent's own conversation id to continue, empty to start a new one
 * @param environment     variables added to the agent's environment (on top of the host's)
 * @param listener        receives the parsed events and the raw output lines
 */
public record AgentRequest(
        String sessionName,
        Workspace workspace,
        String prompt,
        Optional<String> resumeSessionId,
        Map<String, String> environment,
        AgentListener listener) {

    public AgentRequest {
        Objects.requireNonNull(sessionName, "sessionName");
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(resumeSessionId, "resumeSessionId");
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        Objects.requireNonNull(listener, "listener");
    }

    /** The folder the agent works in: {@code workspace().directory()}. */
    public Path workingDirectory() {
        return workspace.directory();
    }

    /** A request for a fresh conversation with no extra environment. */
    public static AgentRequest of(String sessionName, Workspace workspace, String prompt, AgentListener listener) {
        return new AgentRequest(sessionName, workspace, prompt, Optional.empty(), Map.of(), listener);
    }

    /** A copy that resumes the given conversation with a new prompt. */
    public AgentRequest resuming(String agentSessionId, String newPrompt) {
        return new AgentRequest(sessionName, workspace, newPrompt, Optional.of(agentSessionId), environment, listener);
    }
}
