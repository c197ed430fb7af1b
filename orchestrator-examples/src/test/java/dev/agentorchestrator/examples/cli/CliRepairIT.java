package dev.agentorchestrator.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dependency modes and repair through the real jar (issues 17 and 15): a feature stacked on
 * another, its mode in status and list; a branch renamed by hand, seen by drift and status and
 * adopted by repair; a worktree with another checkout, which repair refuses naming the fix.
 */
class CliRepairIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;
    private Path repo;

    @AfterEach
    void endEngine() {
        if (repo != null) {
            Cli.killEngine(repo);
        }
    }

    @Test
    void stackedFeaturesShowTheirModeAndABranchRenamedByHandIsRepaired() throws Exception {
        repo = TestRepos.withCommit(tmp.resolve("repo"));
        Files.writeString(repo.resolve("agent-orchestrator.yaml"), """
                agent:
                  name: demo
                  step: 50ms
                ci: none
                engine:
                  idleTimeout: 120s
                """);
        Cli cli = new Cli(repo);
        Cli.Result twoBelow = cli.run("create", "ui", "--depends-on", "api", "--depends-on", "auth", "--stacked", "--prompt", "x")
                .expect(ExitCodes.USAGE);
        assertTrue(twoBelow.err().contains("--stacked stacks on the branch of exactly one feature"), twoBelow.err());

        cli.run("create", "api", "--prompt", "Add the API").expect(0);
        Cli.Result stacked = cli.run("create", "ui", "--depends-on", "api", "--stacked", "--prompt", "Add the UI").expect(0);
        assertTrue(stacked.out().contains("created ui (QUEUED) on branch feature/ui, stacked on api"), stacked.out());

        Await.until("both sessions are ready to merge", WAIT, () -> {
            JsonNode s = cli.run("status", "--json").expect(0).json().path("sessions");
            return s.size() == 2 && s.get(0).path("state").asText().equals("READY_TO_MERGE") && s.get(0).path("settled").asBoolean()
                    && s.get(1).path("state").asText().equals("READY_TO_MERGE") && s.get(1).path("settled").asBoolean();
        });
        JsonNode sessions = cli.run("status", "--json").expect(0).json().path("sessions");
        assertEquals("SEQUENTIAL", sessions.get(0).path("dependencyMode").asText());
        assertEquals("STACKED", sessions.get(1).path("dependencyMode").asText());
        assertEquals("api", sessions.get(1).path("dependsOn").get(0).asText());
        JsonNode listed = cli.run("list", "--json").expect(0).json();
        assertEquals("STACKED", listed.get(1).path("dependencyMode").asText());
        assertTrue(cli.run("status").expect(0).out().contains("depends: ui stacked on api"));

        // By hand: the branch renamed under its worktree (git moves the worktree's HEAD along).
        TestRepos.git(repo, "branch", "-m", "feature/ui", "feature/ui-renamed");
        Cli.Result drift = cli.run("drift", "ui").expect(0);
        assertTrue(drift.out().startsWith("ui: BRANCH_RENAMED: ") && drift.out().contains("'feature/ui-renamed'")
                && drift.out().contains("run 'agent-orchestrator repair ui'"), drift.out());
        Cli.Result status = cli.run("status").expect(0);
        assertTrue(status.out().contains("attention: ui: repository: the branch 'feature/ui' of session 'ui' is gone"), status.out());
        assertTrue(cli.run("repair", "ui", "--dry-run").expect(0).out().startsWith("ui: BRANCH_RENAMED: "));

        Cli.Result repaired = cli.run("repair", "ui").expect(0);
        assertTrue(repaired.out().startsWith("ui: repaired BRANCH_RENAMED: ") && repaired.out().contains("now: branch feature/ui-renamed"),
                repaired.out());
        JsonNode ui = cli.run("status", "--json").expect(0).json().path("sessions").get(1);
        assertEquals("feature/ui-renamed", ui.path("branch").asText());
        assertEquals("", ui.path("attention").asText());
        assertEquals("ui: the record and the repository agree", cli.run("drift", "ui").expect(0).out().strip());
        assertTrue(cli.run("repair", "ui").expect(0).out().contains("ui: nothing to repair"));

        // By hand: another checkout in a session's worktree may hold someone's work, so repair refuses and says what to run.
        Path apiTree = Path.of(sessions.get(0).path("worktree").asText());
        TestRepos.git(apiTree, "checkout", "--detach");
        Cli.Result refused = cli.run("repair", "api").expect(ExitCodes.FAILURE);
        assertTrue(refused.err().startsWith("agent-orchestrator: Session 'api': ") && refused.err().contains("not repaired automatically")
                && refused.err().contains("switch feature/api"), refused.err());
        assertEquals(ExitCodes.NOT_FOUND, cli.run("repair", "nope").exitCode());

        cli.run("shutdown").expect(0);
    }
}
