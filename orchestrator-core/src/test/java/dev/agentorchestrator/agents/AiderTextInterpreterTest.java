package dev.agentorchestrator.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.spi.AgentExit;
import dev.agentorchestrator.spi.AgentExit.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The heuristics of {@link AiderTextInterpreter} that the stand-in samples do not reach. */
class AiderTextInterpreterTest {
    private final AiderTextInterpreter interpreter = new AiderTextInterpreter(".aider.chat.history.md");
    private final List<AgentEvent> events = new ArrayList<>();

    private AgentExit feed(String... lines) {
        for (String line : lines) {
            interpreter.onStdout(line, events::add);
        }
        return interpreter.finish(new ProcessExit(0, Duration.ofSeconds(1), List.of()));
    }

    @Test
    void anApiErrorThatARetryGotPastIsNotAFailure() {
        AgentExit exit = feed("Main model: gpt-4o with diff edit format",
                "litellm.InternalServerError: OpenAIException - The server had an error",
                "The API provider's servers are down or overloaded.",
                "Retrying in 0.2 seconds...",
                "Done.",
                "Tokens: 1.0k sent, 10 received. Cost: $0.0030 message, $0.0030 session.");
        assertEquals(Outcome.DONE, exit.outcome());
    }

    @Test
    void aQuestionAfterAnAppliedEditIsNotWaiting() {
        AgentExit exit = feed("Applied edit to app.py", "Shall I also add tests?");
        assertEquals(Outcome.DONE, exit.outcome());
    }

    @Test
    void aContextWindowOverflowFails() {
        AgentExit exit = feed("Your estimated chat context of 210,000 tokens exceeds the 200,000 token limit for claude-sonnet!");
        assertEquals(Outcome.FAILED, exit.outcome());
    }

    @Test
    void withoutTheModelLineTheFirstAnswerLineStartsTheRun() {
        feed("Hello there.");
        assertEquals(new AgentEvent.Started(".aider.chat.history.md", java.util.Optional.empty(), List.of()), events.get(0));
        assertEquals(new AgentEvent.AssistantText("Hello there."), events.get(1));
    }

    @Test
    void aFailedEditIsAnErroredToolResult() {
        feed("Failed to apply edit to app.py");
        assertEquals(new AgentEvent.ToolResult("aider-1", true, "Failed to apply edit to app.py"), events.get(2));
    }
}
