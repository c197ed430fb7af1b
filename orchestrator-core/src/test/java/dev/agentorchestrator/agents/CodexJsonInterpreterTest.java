package dev.agentorchestrator.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.spi.AgentExit;
import dev.agentorchestrator.spi.AgentExit.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The outcome rules of {@link CodexJsonInterpreter} that the stand-in samples do not reach. */
class CodexJsonInterpreterTest {
    private final CodexJsonInterpreter interpreter = new CodexJsonInterpreter();
    private final List<AgentEvent> events = new ArrayList<>();

    private AgentExit feed(int exitCode, String... lines) {
        for (String line : lines) {
            interpreter.onStdout(line, events::add);
        }
        return interpreter.finish(new ProcessExit(exitCode, Duration.ofSeconds(1), List.of()));
    }

    @Test
    void aReconnectErrorFollowedByACompletedTurnIsDone() {
        AgentExit exit = feed(0, "{\"type\":\"turn.started\"}", "{\"type\":\"error\",\"message\":\"Reconnecting... 1/5\"}",
                "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":1,\"cached_input_tokens\":0,\"output_tokens\":1}}");
        assertEquals(Outcome.DONE, exit.outcome());
    }

    @Test
    void endingWithoutACompletedTurnFailsWithTheLastError() {
        AgentExit exit = feed(0, "{\"type\":\"turn.started\"}", "{\"type\":\"error\",\"message\":\"stream disconnected\"}");
        assertEquals(Outcome.FAILED, exit.outcome());
        assertEquals("codex ended without completing its turn: stream disconnected", exit.message());
    }

    @Test
    void aDeclinedCommandIsAPermissionDenialAndLeavesTheRunWaiting() {
        AgentExit exit = feed(0, "{\"type\":\"turn.started\"}",
                "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_5\",\"type\":\"command_execution\",\"command\":\"rm -rf build\","
                        + "\"aggregated_output\":\"\",\"exit_code\":null,\"status\":\"declined\"}}",
                "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":1,\"cached_input_tokens\":0,\"output_tokens\":1}}");
        assertEquals(new AgentEvent.PermissionDenied("command_execution", "item_5", "rm -rf build"), events.get(0));
        assertEquals(List.of("command_execution"), ((AgentEvent.TurnFinished) events.get(1)).permissionDenials());
        assertEquals(Outcome.WAITING_FOR_INPUT, exit.outcome());
    }

    @Test
    void aFailingCommandAndAnMcpCallAreToolEvents() {
        feed(0, "{\"type\":\"item.completed\",\"item\":{\"id\":\"c\",\"type\":\"command_execution\",\"command\":\"make\","
                        + "\"aggregated_output\":\"boom\",\"exit_code\":2,\"status\":\"failed\"}}",
                "{\"type\":\"item.started\",\"item\":{\"id\":\"m\",\"type\":\"mcp_tool_call\",\"server\":\"docs\",\"tool\":\"search\","
                        + "\"arguments\":{\"q\":\"x\"},\"result\":null,\"error\":null,\"status\":\"in_progress\"}}",
                "{\"type\":\"item.completed\",\"item\":{\"id\":\"m\",\"type\":\"mcp_tool_call\",\"server\":\"docs\",\"tool\":\"search\","
                        + "\"arguments\":{\"q\":\"x\"},\"result\":null,\"error\":{\"message\":\"server gone\"},\"status\":\"failed\"}}");
        assertEquals(List.of(new AgentEvent.ToolUse("c", "command_execution", "{\"command\":\"make\"}", "make"),
                new AgentEvent.ToolResult("c", true, "boom"),
                new AgentEvent.ToolUse("m", "docs.search", "{\"q\":\"x\"}", "docs.search"),
                new AgentEvent.ToolResult("m", true, "server gone")), events);
    }
}
