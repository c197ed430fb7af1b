package dev.agentorchestrator.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.TaskProgress;
import dev.agentorchestrator.WorktreeSetup;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.spi.StateStore;
import dev.agentorchestrator.store.StateStores;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar answers the common forms of {@code status} and {@code list} before loading picocli
 * (QuickCommands); they must print exactly what the full command line ({@link Main}) prints.
 */
class CliStatusIT {

    @TempDir
    Path tmp;

    @Test
    void theQuickFormsPrintWhatTheFullCommandLinePrints() throws Exception {
        Path repo = TestRepos.withCommit(tmp.resolve("repo"));
        Instant longAgo = Instant.parse("2020-01-02T03:04:05Z");
        try (StateStore store = StateStores.jsonFiles(repo.resolve(".git"))) {
            for (int i = 0; i < 10; i++) {
                store.create(SessionRecord.queued("feature-" + i, "Task " + i, "main", "feature/feature-" + i, List.of(), "claude-code",
                        Map.of(), WorktreeSetup.NONE, longAgo.plusSeconds(i)));
            }
            store.update("feature-3", r -> r.toBuilder().state(SessionState.READY_TO_MERGE).progress(new TaskProgress(1, 2, "x"))
                    .worktree(tmp.resolve("wt")).agentSessionId("conv").costUsd(0.426).turns(4).attention("look")
                    .lastCi(CiResult.builder(CiResult.Status.PASSED, "abc").passed(5).duration(Duration.ofSeconds(2))
                            .finishedAt(longAgo).summary("5 passed").build()).build());
        }
        Cli quick = new Cli(repo);
        Cli full = new Cli(repo).throughMain();
        for (String[] args : new String[][] {{"status"}, {"status", "--json"}, {"list"}, {"ls", "-q"}}) {
            Cli.Result q = quick.run(args).expect(0);
            Cli.Result f = full.run(args).expect(0);
            assertEquals("", q.err());
            if (args.length == 2 && args[1].equals("--json")) {
                assertEquals(f.json(), q.json());
                assertEquals(10, q.json().path("sessions").size());
                assertEquals("READY_TO_MERGE", q.json().path("sessions").get(3).path("state").asText());
            } else {
                assertEquals(f.out(), q.out(), String.join(" ", args));
            }
        }
        assertTrue(quick.run("status").out().contains("$0.43"));
    }

    @Test
    void aDamagedRecordIsReportedByTheStateStoreAsBefore() throws Exception {
        Path repo = TestRepos.withCommit(tmp.resolve("repo"));
        try (StateStore store = StateStores.jsonFiles(repo.resolve(".git"))) {
            store.create(SessionRecord.queued("one", "Task", "main", "feature/one", List.of(), "claude-code", Map.of(), WorktreeSetup.NONE,
                    Instant.now()));
        }
        Files.writeString(repo.resolve(".git/agent-orchestrator/sessions/one.json"), "{\"schemaVersion\": 2, \"session\": ");
        Cli.Result r = new Cli(repo).run("status").expect(ExitCodes.FAILURE);
        assertTrue(r.err().contains("one.json") && r.err().contains(".bak"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void withAnEngineRunningTheQuickStatusShowsItsOverlapsAndForecastWithoutAskingIt() throws Exception {
        Path repo = TestRepos.withFiles(tmp.resolve("repo"), Map.of("README.md", "# shop\n"));
        Files.writeString(repo.resolve("agent-orchestrator.yaml"), """
                agent:
                  name: demo
                  step: 10ms
                ci: none
                engine:
                  idleTimeout: 60s
                """);
        Cli quick = new Cli(repo);
        Cli full = new Cli(repo).throughMain();
        try {
            // The demo agent appends a line to each file its prompt names: both change README.md.
            quick.run("create", "left", "right", "--prompt", "Add a line to README.md").expect(0);
            Await.until("both settled, their overlap and conflict found", Duration.ofMinutes(2), () -> {
                String out = full.run("status").expect(0).out();
                return out.contains("overlap: ") && out.contains("conflict forecast: left x right: README.md")
                        && full.run("status", "--json").json().path("sessions").findValues("settled").stream().allMatch(JsonNode::asBoolean);
            });
            Path coordination = repo.resolve(".git/agent-orchestrator/engine/coordination.json");
            // The engine rewrites its file within a second of a change: the quick form then says what the engine says.
            Await.until("the quick status shows what the engine computed", Duration.ofSeconds(30),
                    () -> full.run("status", "--json").json().equals(quick.run("status", "--json").expect(0).json()));
            JsonNode json = quick.run("status", "--json").expect(0).json();
            assertTrue(json.path("engineRunning").asBoolean(), json.toPrettyString());
            assertEquals("README.md", json.path("overlaps").get(0).path("files").get(0).asText(), json.toPrettyString());

            Path classes = tmp.resolve("classes.txt");
            Cli.Result table = new Cli(repo).env("JAVA_TOOL_OPTIONS", "-Xlog:class+load:file=" + classes).run("status").expect(0);
            String under = table.out().substring(table.out().indexOf("overlap: "));
            String fullOut = full.run("status").expect(0).out();
            assertEquals(fullOut.substring(fullOut.indexOf("overlap: ")), under, "the lines under the table are the engine's");
            assertTrue(under.contains("conflict forecast: left x right: README.md"), under);
            List<String> loaded = Files.readAllLines(classes);
            assertTrue(loaded.stream().noneMatch(l -> l.contains(" picocli.") || l.contains(" java.net.http.")
                    || l.contains(" com.fasterxml.jackson.")), "the quick form asked nothing of the engine");
            assertTrue(Files.exists(coordination));

            quick.run("shutdown").expect(0);
            assertFalse(Files.exists(coordination), "the engine removes its file when it stops");
            assertTrue(quick.run("status").expect(0).out().contains(CoordinationView.NO_ENGINE));
        } finally {
            Cli.killEngine(repo);
        }
    }
}
