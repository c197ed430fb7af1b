package dev.agentorchestrator.examples.cli.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentorchestrator.DependencyMode;
import dev.agentorchestrator.RepositoryDrift;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The control API's JSON for the dependency mode of a created feature and for a repository drift. */
class ControlApiJsonTest {

    @Test
    void theDependencyModeIsReadInAnyCaseAndAnythingElseIsRefusedNamingBoth() {
        assertEquals(DependencyMode.STACKED, ControlApi.dependencyMode("stacked"));
        assertEquals(DependencyMode.SEQUENTIAL, ControlApi.dependencyMode(" Sequential "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ControlApi.dependencyMode("parallel"));
        assertTrue(e.getMessage().contains("'parallel'") && e.getMessage().contains("\"sequential\"")
                && e.getMessage().contains("\"stacked\""), e.getMessage());
    }

    @Test
    void aDriftIsItsFieldsAndNoDriftIsNull() {
        JsonNode d = ControlApi.driftJson(Optional.of(new RepositoryDrift(RepositoryDrift.Kind.OTHER_BRANCH_CHECKED_OUT,
                "the worktree has 'x' checked out", "run 'git switch feature/a'", Optional.of("x"))));
        assertEquals("OTHER_BRANCH_CHECKED_OUT", d.path("kind").asText());
        assertEquals("the worktree has 'x' checked out", d.path("description").asText());
        assertEquals("run 'git switch feature/a'", d.path("fix").asText());
        assertEquals("x", d.path("found").asText());
        assertEquals(false, d.path("repairable").asBoolean(true));
        assertTrue(ControlApi.driftJson(Optional.empty()).isNull());
    }
}
