package dev.agentorchestrator.examples.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.testing.Await;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The forecast and the overlaps, as the page reads them over HTTP, for two sessions editing the same file. */
class DashboardCoordinationTest extends DashboardOnAnOrchestrator {

    @Test
    void theStateCarriesTheForecastConflictAndTheOverlapOfTwoSessionsEditingTheSameFile() {
        fixture = new DashboardFixture(tmp);
        // Both agents write received.txt with different text and commit it: an add/add conflict.
        start(fixture.builder().feature("left", "Say left").feature("right", "Say right"));
        DashboardFixture.awaitState(orchestrator, "left", SessionState.READY_TO_MERGE);
        DashboardFixture.awaitState(orchestrator, "right", SessionState.READY_TO_MERGE);

        JsonNode[] state = new JsonNode[1];
        Await.until("the state shows the conflict and the overlap", DashboardFixture.WAIT, () -> {
            state[0] = TestHttp.json(http.get("/dashboard/state"));
            return conflictPaths(state[0]).equals(List.of("received.txt")) && overlapOf(state[0], "left").equals("right");
        });
        JsonNode forecast = state[0].path("forecast");
        assertTrue(forecast.path("available").asBoolean(), forecast.toString());
        assertEquals(List.of("left", "right"), texts(forecast.path("sessions")));
        assertEquals(2, forecast.path("base").size(), "each session against its base: " + forecast);
        forecast.path("base").forEach(c -> assertEquals("CLEAN", c.path("outcome").asText(), c.toString()));
        assertEquals("left", overlapOf(state[0], "right"));
        assertTrue(state[0].path("capabilities").path("runCi").asBoolean());
    }

    private static List<String> conflictPaths(JsonNode state) {
        for (JsonNode cell : state.path("forecast").path("cells")) {
            if (cell.path("conflict").asBoolean()) {
                return texts(cell.path("paths"));
            }
        }
        return List.of();
    }

    /** The other session the named one overlaps with, on received.txt; empty when none. */
    private static String overlapOf(JsonNode state, String session) {
        for (JsonNode s : state.path("sessions")) {
            if (s.path("name").asText().equals(session)) {
                for (JsonNode o : s.path("changes").path("overlaps")) {
                    if (texts(o.path("files")).contains("received.txt")) {
                        return o.path("session").asText();
                    }
                }
            }
        }
        return "";
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
