package dev.agentorchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.Feature;
import dev.agentorchestrator.ForecastMatrix;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.Plan;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.ScriptAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17: the suggested plan, from the prompts alone and from what running sessions show. */
class PlanTest {

    @TempDir
    Path tmp;

    @Test
    void promptsThatNameTheSameFileCollideAndAreSuggestedInSeparateGroups() {
        Plan plan = Plan.suggest(List.of(
                Feature.of("auth", "Add login; register its route in src/routes.txt (e.g. /login)."),
                Feature.of("ui", "Add a dashboard page and list it in routes.txt"),
                Feature.of("docs", "Document the API in docs/api.md, see https://example.com/guide.html"),
                Feature.builder("billing", "Bill users").dependsOn("auth").build(),
                Feature.builder("docs-site", "Publish the docs/ folder").stackedOn("docs").build()));
        assertEquals(List.of("auth x ui: src/routes.txt (both prompts name it)",
                "docs x docs-site: docs/api.md (both prompts name it)"), plan.collisions().stream().map(Object::toString).toList());
        assertEquals(List.of(List.of("auth", "docs"), List.of("ui", "billing", "docs-site")), plan.groups(),
                "ui apart from auth, billing after its dependency, docs-site stacked but colliding with docs");
        assertEquals(List.of("docs/api.md", "src/routes.txt"), Plan.namedPaths("fix src/routes.txt and ./docs/api.md, i.e. both"));
        assertTrue(plan.toTable().contains("  1: auth, docs\n  2: ui, billing, docs-site\n"), plan.toTable());
        assertEquals("Plan[2 collisions, groups [auth, docs] then [ui, billing, docs-site]]", plan.toString());
        assertEquals(List.of(List.of("a", "b")), Plan.suggest(List.of(Feature.of("a", "x"), Feature.of("b", "y"))).groups());
    }

    @Test
    void theOrchestratorAddsTheForecastTheOverlapsAndTheFilesSessionsTouch() {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.builder().agent(ScriptAgent.of(CoordinationTest.EDITING_AGENT))
                .feature("shared-a", "version A").feature("shared-b", "version B").start()) {
            o.awaitAll(Duration.ofSeconds(90));
            Await.until("the forecast and the overlap", Duration.ofSeconds(30), () -> !o.overlaps().isEmpty() && o.forecast()
                    .pair("shared-a", "shared-b").map(c -> c.outcome() == ForecastMatrix.Outcome.CONFLICT).orElse(false));
            Plan plan = o.plan(List.of(Feature.of("shared-a", "version A"), Feature.of("shared-b", "version B"),
                    Feature.of("next", "Tidy up src/app.txt")));
            assertEquals(Plan.Source.FORECAST, plan.collision("shared-a", "shared-b").orElseThrow().source(), plan.toTable());
            assertTrue(plan.collisions().stream().anyMatch(c -> c.source() == Plan.Source.OVERLAP
                    && c.between("shared-a", "shared-b") && c.files().equals(List.of("src/app.txt"))), plan.toTable());
            assertEquals(List.of("src/app.txt"), plan.collision("next", "shared-a").orElseThrow().files(), plan.toTable());
            assertEquals(List.of(List.of("shared-a"), List.of("shared-b"), List.of("next")), plan.groups(), plan.toTable());
        }
    }
}
