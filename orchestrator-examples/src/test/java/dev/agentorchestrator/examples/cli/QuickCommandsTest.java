package dev.agentorchestrator.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.DependencyMode;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.TaskProgress;
import dev.agentorchestrator.TestFailure;
import dev.agentorchestrator.WorktreeSetup;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.spi.StateStore;
import dev.agentorchestrator.store.StateStores;
import dev.agentorchestrator.testing.TestRepos;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick forms of {@code status} and {@code list}: their reader sees exactly what the state
 * store sees, and whatever it cannot read goes to the full command line, which reports it (that
 * both print the same is checked against the real jar by CliStatusIT).
 */
class QuickCommandsTest {

    @TempDir
    Path tmp;

    private static final Instant LONG_AGO = Instant.parse("2020-01-02T03:04:05Z");

    private static SessionRecord record(String name, int minutes) {
        return SessionRecord.queued(name, "Do " + name, "main", "feature/" + name, List.of(), "claude-code", Map.of("model", "x"),
                WorktreeSetup.NONE, LONG_AGO.plus(Duration.ofMinutes(minutes)));
    }

    /** Three records: a plain queued one, one with every optional field, one halted with prompts waiting. */
    private static Path seeded(Path repo) {
        try (StateStore store = StateStores.jsonFiles(repo.resolve(".git"))) {
            store.create(record("zeta", 0));
            store.create(record("alpha", 0));
            store.create(SessionRecord.queued("busy", "Do busy", "main", "feature/busy", List.of("alpha"), DependencyMode.STACKED,
                    "claude-code", Map.of(), WorktreeSetup.NONE, LONG_AGO.plus(Duration.ofMinutes(5))));
            CiResult ci = CiResult.builder(CiResult.Status.FAILED, "0123456789abcdef").passed(3).failed(1).errored(1).skipped(2)
                    .duration(Duration.ofMillis(1234)).finishedAt(LONG_AGO.plusSeconds(99)).summary("1 failed")
                    .failures(List.of(new TestFailure("adds", "ShopTest", TestFailure.Kind.FAILED, "expected 2", "at line 3")))
                    .notes(List.of("a note")).outputTail("tail").logFile(repo.resolve("ci.log")).build();
            store.update("alpha", r -> r.toBuilder().worktree(repo.resolveSibling("alpha-tree")).state(SessionState.READY_TO_MERGE)
                    .work(Session.Work.NONE).message("CI \"passed\"\nsecond line").agentSessionId("conv-1").agentHandle("local:1:2")
                    .progress(new TaskProgress(2, 3, "writing tests")).costUsd(1.005).turns(7).lastCi(ci)
                    .attention("reactions used up").lastActivityAt(LONG_AGO.plusSeconds(120)).build());
            store.update("busy", r -> r.toBuilder().state(SessionState.RUNNING).work(Session.Work.RUNNING)
                    .halt(SessionRecord.Halt.STOP).pendingPrompts(List.of("one", "two")).costUsd(0.1).build());
        }
        return repo;
    }

    @Test
    void theQuickReaderSeesWhatTheStateStoreSees() throws Exception {
        Path repo = seeded(TestRepos.withCommit(tmp.resolve("repo")));
        List<Session> expected;
        try (StateStore store = StateStores.jsonFiles(repo.resolve(".git"))) {
            expected = store.loadAll().stream().map(SessionRecord::view).toList();
        }
        assertEquals(3, expected.size());
        assertEquals(Optional.of(expected), StoredSessions.read(repo.resolve(".git")));
        assertEquals(Optional.of(List.of()), StoredSessions.read(TestRepos.withCommit(tmp.resolve("empty")).resolve(".git")));
    }

    @Test
    void theTableShowsTheStoredValues() throws Exception {
        Path repo = seeded(TestRepos.withCommit(tmp.resolve("repo")));
        String table = StatusTable.render(StoredSessions.read(repo.resolve(".git")).orElseThrow(), LONG_AGO.plus(Duration.ofDays(3)));
        String alpha = table.lines().filter(l -> l.startsWith("alpha")).findFirst().orElseThrow();
        assertTrue(alpha.contains("READY_TO_MERGE") && alpha.contains("2/3") && alpha.contains("failed (1 failed)")
                && alpha.contains("$1.00") && alpha.contains("[needs you: reactions used up] CI \"passed\" second line"), alpha);
        String busy = table.lines().filter(l -> l.startsWith("busy")).findFirst().orElseThrow();
        assertTrue(busy.contains("$0.10") && busy.contains("[2 prompt(s) waiting]"), busy);
        assertEquals(List.of("alpha", "zeta", "busy"), table.lines().skip(1).limit(3).map(l -> l.split(" ")[0]).toList(),
                "the store's order: by creation time, then name");
        assertEquals(List.of("attention: alpha: reactions used up", "depends: busy stacked on alpha"),
                table.lines().skip(4).toList(), "under the rows: each attention in full, how each dependent waits");
    }

    @Test
    void aSessionAPersonHoldsIsNotShownAsNeedingYou() throws Exception {
        Path repo = seeded(TestRepos.withCommit(tmp.resolve("repo")));
        try (StateStore store = StateStores.jsonFiles(repo.resolve(".git"))) {
            store.update("zeta", r -> r.toBuilder().attention(Session.HANDED_OVER + " attached at a terminal by pid 7").build());
        }
        String table = StatusTable.render(StoredSessions.read(repo.resolve(".git")).orElseThrow(), LONG_AGO.plus(Duration.ofDays(3)));
        String zeta = table.lines().filter(l -> l.startsWith("zeta")).findFirst().orElseThrow();
        assertTrue(zeta.contains("[held: handed over: attached at a terminal by pid 7]") && !zeta.contains("needs you"), zeta);
    }

    @Test
    void statusJsonHasTheDependencyModeAndTheAttention() throws Exception {
        Path repo = seeded(TestRepos.withCommit(tmp.resolve("repo")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(ExitCodes.OK, QuickCommands.run(new String[] {"status", "--json"}, repo,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream())));
        JsonNode sessions = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8)).path("sessions");
        assertEquals(List.of("SEQUENTIAL", "SEQUENTIAL", "STACKED"),
                List.of(sessions.get(0).path("dependencyMode").asText(), sessions.get(1).path("dependencyMode").asText(),
                        sessions.get(2).path("dependencyMode").asText()));
        assertEquals("alpha", sessions.get(2).path("dependsOn").get(0).asText());
        assertEquals("reactions used up", sessions.get(0).path("attention").asText());
        assertTrue(sessions.get(0).path("needsAttention").asBoolean());
    }

    @Test
    void aRecordWrittenBeforeTheModesReadsAsSequential() throws Exception {
        Path repo = seeded(TestRepos.withCommit(tmp.resolve("repo")));
        Path busy = repo.resolve(".git/agent-orchestrator/sessions/busy.json");
        String json = Files.readString(busy);
        assertTrue(json.contains("\"dependencyMode\" : \"STACKED\""), json);
        Files.writeString(busy, json.replace("\"dependencyMode\" : \"STACKED\",", ""));
        Session read = StoredSessions.read(repo.resolve(".git")).orElseThrow().get(2);
        assertEquals(DependencyMode.SEQUENTIAL, read.dependencyMode());
        try (StateStore store = StateStores.jsonFiles(repo.resolve(".git"))) {
            assertEquals(store.load("busy").orElseThrow().view(), read, "as the state store reads it");
        }
    }

    @Test
    void whatTheQuickReaderCannotReadGoesToTheStateStoreWhichNamesTheProblem() throws Exception {
        Path repo = seeded(TestRepos.withCommit(tmp.resolve("repo")));
        Path zeta = repo.resolve(".git/agent-orchestrator/sessions/zeta.json");
        Files.writeString(zeta, Files.readString(zeta).replace("\"schemaVersion\" : 2", "\"schemaVersion\" : 1"));
        assertEquals(Optional.empty(), StoredSessions.read(repo.resolve(".git")), "schema 1 is the store's to read");
        Files.writeString(zeta, "{\"schemaVersion\": 2, \"session\": {\"name\": ");
        assertEquals(Optional.empty(), StoredSessions.read(repo.resolve(".git")));
        assertEquals(QuickCommands.NOT_MINE, QuickCommands.run(new String[] {"status"}, repo, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream())));
    }

    @Test
    void otherArgumentsAreForTheFullCommandLine() {
        for (String[] args : new String[][] {{}, {"status", "--watch"}, {"status", "--help"}, {"list", "--json"},
            {"status", "--json", "--json"}, {"create", "x"}, {"stat"}}) {
            assertEquals(QuickCommands.NOT_MINE, QuickCommands.run(args, tmp, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(new ByteArrayOutputStream())), String.join(" ", args));
        }
    }

    @Test
    void outsideARepositoryTheQuickFormSaysSo() throws Exception {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = QuickCommands.run(new String[] {"list"}, plain, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(ExitCodes.FAILURE, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("agent-orchestrator: not inside a git repository"), err.toString());
    }
}
