package dev.agentorchestrator;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What an agent said or did, parsed from its output by its launcher. Launchers emit these as they
 * read; the engine persists what matters (agent session id, progress, cost) and republishes each
 * one as an {@link OrchestratorEvent.AgentActivity}.
 */
public sealed interface AgentEvent {

    /**
     * The agent started a conversation (Claude Code's {@code system/init}).
     *
     * @param agentSessionId the agent's own conversation id, used to resume it later
     * @param model          the model it runs, empty if not reported
     * @param tools          the tools it may use, as it reported them
     */
    record Started(String agentSessionId, Optional<String> model, List<String> tools) implements AgentEvent {
        public Started {
            Objects.requireNonNull(agentSessionId, "agentSessionId");
            Objects.requireNonNull(model, "model");
            tools = List.copyOf(tools);
        }
    }

    /** Text the agent wrote to the user. */
    record AssistantText(String text) implements AgentEvent {
        public AssistantText {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * The agent called a tool.
     *
     * @param id        the tool call's id, matched by a later {@link ToolResult}
     * @param tool      the tool's name, such as {@code Write} or {@code Bash}
     * @param inputJson the call's input as compact JSON
     * @param summary   a one-line description for a dashboard (a file path, a command), may be empty
     */
    record ToolUse(String id, String tool, String inputJson, String summary) implements AgentEvent {
        public ToolUse {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(tool, "tool");
            Objects.requireNonNull(inputJson, "inputJson");
            Objects.requireNonNull(summary, "summary");
        }
    }

    /** The result of a tool call, as the agent saw it. */
    record ToolResult(String toolUseId, boolean error, String content) implements AgentEvent {
        public ToolResult {
            Objects.requireNonNull(toolUseId, "toolUseId");
            Objects.requireNonNull(content, "content");
        }
    }

    /** The agent was refused a tool it tried to use; it needs a person (or a wider permission). */
    record PermissionDenied(String tool, String toolUseId, String detail) implements AgentEvent {
        public PermissionDenied {
            Objects.requireNonNull(tool, "tool");
            Objects.requireNonNull(toolUseId, "toolUseId");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** The agent asked a question and is waiting for an answer. */
    record Question(String text) implements AgentEvent {
        public Question {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * Progress through the agent's own task list.
     *
     * @param completed   tasks done
     * @param total       tasks in the list
     * @param currentTask the task in progress, empty if none is marked
     */
    record Progress(int completed, int total, String currentTask) implements AgentEvent {
        public Progress {
            if (completed < 0 || total < 0 || completed > total) {
                throw new IllegalArgumentException("progress " + completed + "/" + total + " is not possible");
            }
            Objects.requireNonNull(currentTask, "currentTask");
        }
    }

    /**
     * The agent finished a turn (Claude Code's {@code result} event).
     *
     * @param error             true when the agent reports that the turn failed
     * @param text              the final text, or the error message
     * @param costUsd           cost of the turn in US dollars, 0 when unknown
     * @param turns             model turns used, 0 when unknown
     * @param duration          wall time the agent reported, zero when unknown
     * @param apiErrorStatus    HTTP status of a model API error, if that is why it failed
     * @param permissionDenials names of the tools that were refused during the turn
     */
    record TurnFinished(boolean error, String text, double costUsd, int turns, Duration duration,
                        OptionalInt apiErrorStatus, List<String> permissionDenials) implements AgentEvent {
        public TurnFinished {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(duration, "duration");
            Objects.requireNonNull(apiErrorStatus, "apiErrorStatus");
            permissionDenials = List.copyOf(permissionDenials);
        }
    }

    /** An event of a kind this library does not know yet, kept whole rather than dropped. */
    record Raw(String type, String json) implements AgentEvent {
        public Raw {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(json, "json");
        }
    }
}
