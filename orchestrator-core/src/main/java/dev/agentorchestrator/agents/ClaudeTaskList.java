package dev.agentorchestrator.agents;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentorchestrator.AgentEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Follows the task list Claude Code keeps for itself, to report progress as "completed of total".
 * Two generations of the CLI keep it differently, and both are read:
 *
 * <ul>
 *   <li>{@code TodoWrite} sends the whole list every time: {@code todos} with {@code content},
 *       {@code activeForm} and {@code status} ({@code pending}, {@code in_progress},
 *       {@code completed});</li>
 *   <li>{@code TaskCreate} adds one task ({@code subject}, {@code activeForm}); its id arrives in the
 *       tool result ({@code tool_use_result.task.id}); {@code TaskUpdate} changes one task's
 *       {@code status} by {@code taskId} ({@code deleted} removes it).</li>
 * </ul>
 *
 * <p>The list is read from the agent's tool calls, not from their results, so progress shows as
 * soon as the agent states it; a {@code TaskCreate} that fails is taken back when its result says so.
 */
final class ClaudeTaskList {

    private record Task(String title, String activeForm, String status) {
        Task withStatus(String newStatus) {
            return new Task(title, activeForm, newStatus);
        }
    }

    /** Tasks by id; a task created but not yet confirmed is keyed by its tool call's id. */
    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private final Map<String, String> pendingCreates = new LinkedHashMap<>();

    /** Reads a tool call; returns the progress when the call changed the list. */
    Optional<AgentEvent.Progress> onToolUse(String toolUseId, String tool, JsonNode input) {
        switch (tool) {
            case "TodoWrite" -> {
                JsonNode todos = input.path("todos");
                if (!todos.isArray()) {
                    return Optional.empty();
                }
                tasks.clear();
                pendingCreates.clear();
                int i = 0;
                for (JsonNode todo : todos) {
                    tasks.put("todo-" + i++, new Task(todo.path("content").asText(""),
                            todo.path("activeForm").asText(""), todo.path("status").asText("pending")));
                }
                return Optional.of(progress());
            }
            case "TaskCreate" -> {
                String key = "call-" + toolUseId;
                tasks.put(key, new Task(input.path("subject").asText(""), input.path("activeForm").asText(""), "pending"));
                pendingCreates.put(toolUseId, key);
                return Optional.of(progress());
            }
            case "TaskUpdate" -> {
                String id = input.path("taskId").asText("");
                String status = input.path("status").asText("");
                if (id.isEmpty() || status.isEmpty()) {
                    return Optional.empty();
                }
                if (status.equals("deleted")) {
                    tasks.remove(id);
                } else {
                    Task task = tasks.get(id);
                    // A task from before a resume is not known here; count it rather than drop it.
                    tasks.put(id, task == null ? new Task(input.path("subject").asText("task " + id),
                            input.path("activeForm").asText(""), status) : task.withStatus(status));
                }
                return Optional.of(progress());
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /**
     * Reads a tool result (with the {@code tool_use_result} details Claude Code adds to its
     * {@code user} events); returns the progress when it changed the list.
     */
    Optional<AgentEvent.Progress> onToolResult(String toolUseId, boolean error, JsonNode details) {
        String key = pendingCreates.remove(toolUseId);
        if (key == null) {
            return Optional.empty();
        }
        Task task = tasks.remove(key);
        if (error || task == null) {
            return Optional.of(progress());
        }
        String id = details.path("task").path("id").asText("");
        tasks.put(id.isEmpty() ? key : id, task);
        return Optional.empty();
    }

    /** True once the agent has kept a list. */
    boolean isKept() {
        return !tasks.isEmpty();
    }

    AgentEvent.Progress progress() {
        int completed = 0;
        String current = "";
        for (Task task : tasks.values()) {
            if (task.status().equals("completed")) {
                completed++;
            } else if (task.status().equals("in_progress") && current.isEmpty()) {
                current = task.activeForm().isBlank() ? task.title() : task.activeForm();
            }
        }
        return new AgentEvent.Progress(completed, tasks.size(), current);
    }
}
