package dev.agentorchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.ForecastMatrix;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Overlap;
import dev.agentorchestrator.OverlapPolicy;
import dev.agentorchestrator.StatusSnapshot;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.ScriptAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two sessions editing the same file are seen as they work, and their merge conflict is forecast. */
class CoordinationTest {

    /** Writes its prompt into the file named by its session's folder name's first part, and commits. */
    static final String EDITING_AGENT = String.join("\n",
            "echo SESSION edit-$(basename \"$PWD\")",
            "case \"$(basename \"$PWD\")\" in",
            "  shared-*) f=src/app.txt ;;",
            "  *) f=\"$(basename \"$PWD\").txt\" ;;",
            "esac",
            "printf '%s\\n' \"$1\" > \"$f\"; git add \"$f\"",
            "git -c user.name=A -c user.email=a@example.invalid commit -q -m \"edit $f\"",
            "echo done");

    @TempDir
    Path tmp;

    @Test
    void twoAgentsEditingOneFileRaiseTheOverlapAndTheForecastSaysTheirMergeConflicts() {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.builder().listener(f.events::add).agent(ScriptAgent.of(EDITING_AGENT))
                .feature("shared-a", "version A").feature("shared-b", "version B").feature("alone", "elsewhere").start()) {
            o.awaitAll(Duration.ofSeconds(90));
            Await.until("the overlap is seen", Duration.ofSeconds(30), () -> o.overlaps().stream()
                    .anyMatch(x -> x.sessions().equals(List.of("shared-a", "shared-b"))));
            Overlap overlap = o.overlaps().get(0);
            assertEquals(List.of("src/app.txt"), overlap.files());
            assertEquals(1, o.overlaps().size(), "the session on its own file overlaps nobody: " + o.overlaps());
            Await.until("both are told", Duration.ofSeconds(10), () -> f.events.stream()
                    .filter(e -> e instanceof OrchestratorEvent.FilesOverlap).count() == 2);
            assertTrue(f.events.stream().anyMatch(e -> e instanceof OrchestratorEvent.FilesOverlap fo
                    && fo.session().equals("shared-b") && fo.otherSessions().equals(List.of("shared-a"))
                    && fo.files().equals(List.of("src/app.txt"))));

            Await.until("the forecast of the three finished branches", Duration.ofSeconds(30), () -> o.forecast()
                    .pair("shared-a", "shared-b").map(c -> c.outcome() == ForecastMatrix.Outcome.CONFLICT).orElse(false)
                    && o.forecast().pair("shared-a", "alone").isPresent() && o.forecast().againstBase("shared-a").isPresent());
            ForecastMatrix forecast = o.forecast();
            ForecastMatrix.Cell cell = forecast.pair("shared-a", "shared-b").orElseThrow();
            assertEquals(ForecastMatrix.Outcome.CONFLICT, cell.outcome());
            assertEquals(List.of("src/app.txt"), cell.conflictingPaths());
            assertEquals(ForecastMatrix.Outcome.CLEAN, forecast.pair("shared-a", "alone").orElseThrow().outcome());
            assertEquals(ForecastMatrix.Outcome.CLEAN, forecast.againstBase("shared-a").orElseThrow().outcome());
            Await.until("forecast events", Duration.ofSeconds(10), () -> f.events.stream()
                    .anyMatch(e -> e instanceof OrchestratorEvent.ForecastChanged c && c.cell().outcome() == ForecastMatrix.Outcome.CONFLICT));

            StatusSnapshot status = o.status();
            assertEquals(o.overlaps(), status.overlaps());
            assertTrue(status.toTable().contains("overlap: shared-a & shared-b: src/app.txt"), status.toTable());
            assertTrue(status.toTable().contains("conflict forecast: shared-a x shared-b: src/app.txt"), status.toTable());
            var real = dev.agentorchestrator.testing.TestRepos.tryGit(f.repo, "merge-tree", "--write-tree", "--name-only",
                    "feature/shared-a", "feature/shared-b");
            assertEquals(1, real.exitCode(), "git agrees that the merge conflicts");
            assertTrue(real.stdout().contains("src/app.txt"), "git names the same file: " + real.stdout());
        }
    }

    @Test
    void theTellPolicySendsEachAgentTheFilesTheOtherIsChanging() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.builder().listener(f.events::add).agent(ScriptAgent.of(EDITING_AGENT))
                .overlapPolicy(OverlapPolicy.TELL).feature("shared-x", "X").feature("shared-y", "Y").start()) {
            Await.until("both agents are told", Duration.ofSeconds(120), () -> o.sessions().stream()
                    .allMatch(s -> transcript(f, s.name()).contains("follow-up: Heads-up")));
            o.awaitAll(Duration.ofSeconds(60));
            String told = transcript(f, "shared-x");
            assertTrue(told.contains("shared-y are changing the same file(s) as you: src/app.txt"), told);
        }
    }

    private static String transcript(EngineFixture f, String session) {
        try {
            return Files.readString(f.repo.resolve(".git/agent-orchestrator/logs/" + session + ".log"));
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
