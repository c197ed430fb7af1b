package dev.agentorchestrator.examples.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.TestFailure;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The failing tests of a CI run reach the page's JSON by name and message. */
class EngineBridgeTest {

    @Test
    void aRedRunsFailingTestsAreListedWithTheirMessages() {
        CiResult red = CiResult.builder(CiResult.Status.FAILED, "0123456789abcdef0123456789abcdef01234567").failed(1)
                .failures(List.of(new TestFailure("refresh", "AuthTest", TestFailure.Kind.FAILED, "expected 200 but was 401",
                        "at AuthTest.refresh(AuthTest.java:12)"))).build();
        ArrayNode json = EngineBridge.ciFailures(red);
        assertEquals(1, json.size());
        assertEquals("AuthTest.refresh", json.get(0).path("name").asText());
        assertEquals("expected 200 but was 401", json.get(0).path("message").asText());
    }
}
