package dev.agentorchestrator.examples.dashboard;

import dev.agentorchestrator.AgentEvent;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a session's agent is doing now, as far as its events tell: its last tool call, its last
 * words, its open question. Kept by the dashboard because the session record does not hold it.
 *
 * @param tool     the last tool called, empty before the first
 * @param detail   that call's one-line summary
 * @param toolAt   when it was called
 * @param said     the last text the agent wrote, shortened
 * @param question the question it asked and is waiting on, empty when it has none open
 */
record AgentDoing(Optional<String> tool, String detail, Optional<Instant> toolAt, String said,
                  Optional<String> question) {

    static final AgentDoing NOTHING = new AgentDoing(Optional.empty(), "", Optional.empty(), "", Optional.empty());

    AgentDoing {
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(toolAt, "toolAt");
        Objects.requireNonNull(said, "said");
        Objects.requireNonNull(question, "question");
    }

    /** This, after the agent did {@code event} at {@code at}. */
    AgentDoing after(AgentEvent event, Instant at) {
        if (event instanceof AgentEvent.ToolUse use) {
            return new AgentDoing(Optional.of(use.tool()), shorten(use.summary(), 200), Optional.of(at), said, Optional.empty());
        }
        if (event instanceof AgentEvent.AssistantText text) {
            return new AgentDoing(tool, detail, toolAt, shorten(text.text(), 300), question);
        }
        if (event instanceof AgentEvent.Question asked) {
            return new AgentDoing(tool, detail, toolAt, said, Optional.of(shorten(asked.text(), 1000)));
        }
        if (event instanceof AgentEvent.PermissionDenied denied) {
            return new AgentDoing(tool, detail, toolAt, said,
                    Optional.of("Refused the tool " + denied.tool() + (denied.detail().isEmpty() ? "" : ": " + shorten(denied.detail(), 300))));
        }
        return this;
    }

    /** This once a new turn starts: the old question is answered. */
    AgentDoing answered() {
        return question.isEmpty() ? this : new AgentDoing(tool, detail, toolAt, said, Optional.empty());
    }

    static String shorten(String text, int max) {
        String oneLine = text.replace('\r', ' ').replace('\n', ' ').trim();
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 1) + "…";
    }
}
