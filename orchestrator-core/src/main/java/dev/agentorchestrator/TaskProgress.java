package dev.agentorchestrator;

import java.util.Objects;

/**
 * How far an agent is through its own task list.
 *
 * @param completed   tasks done
 * @param total       tasks in the list
 * @param currentTask the task in progress, empty if none
 */
public record TaskProgress(int completed, int total, String currentTask) {
    public static final TaskProgress NONE = new TaskProgress(0, 0, "");

    public TaskProgress {
        if (completed < 0 || total < 0 || completed > total) {
            throw new IllegalArgumentException("progress " + completed + "/" + total + " is not possible");
        }
        Objects.requireNonNull(currentTask, "currentTask");
    }

    /** Completed share between 0 and 1; 0 when there is no list. */
    public double fraction() {
        return total == 0 ? 0 : (double) completed / total;
    }
}
