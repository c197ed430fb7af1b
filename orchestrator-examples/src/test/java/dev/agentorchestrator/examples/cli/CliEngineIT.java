package dev.agentorchestrator.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.spi.StateStore;
import dev.agentorchestrator.store.StateStores;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.TestRepos;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that need the engine, against real repositories with the offline demo agent: the
 * engine started on demand, its token, two commands at once, a SIGKILL and the restart, the idle stop.
 */
class CliEngineIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;
    private final List<Path> repos = new ArrayList<>();

    @AfterEach
    void endEngines() {
        repos.forEach(Cli::killEngine);
    }

    private Path repo(String idleTimeout, String step) throws Exception {
        Path repo = TestRepos.withCommit(tmp.resolve("repo" + repos.size()));
        Files.writeString(repo.resolve("agent-orchestrator.yaml"), """
                agent:
                  name: demo
                  step: %s
                ci: none
                maxParallelSessions: 2
                stopGrace: 2s
                engine:
                  idleTimeout: %s
                """.formatted(step, idleTimeout));
        repos.add(repo);
        return repo;
    }

    @Test
    void commandsDriveSessionsThroughAnEngineStartedOnDemand() throws Exception {
        Path repo = repo("120s", "50ms");
        Cli cli = new Cli(repo);
        Cli.Result created = cli.run("create", "auth-api", "payments", "--prompt", "Add the feature").expect(0);
        assertTrue(created.out().contains("created auth-api (QUEUED) on branch feature/auth-api"), created.out());
        long pid = Cli.enginePid(repo).orElseThrow();
        assertTrue(ProcessHandle.of(pid).isPresent(), "the engine runs in the background after create returned");
        Path token = repo.resolve(".git/agent-orchestrator/engine/token");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(token)));

        Cli.Result waited = cli.run("prompt", "auth-api", "Also document it", "--wait").expect(0);
        assertTrue(waited.out().startsWith("auth-api: READY_TO_MERGE"), waited.out());

        JsonNode status = cli.run("status", "--json").expect(0).json();
        assertEquals(repo.toRealPath().toString(), Path.of(status.path("repository").asText()).toRealPath().toString());
        assertEquals(List.of("auth-api", "payments"), names(status));
        JsonNode auth = status.path("sessions").get(0);
        assertEquals("READY_TO_MERGE", auth.path("state").asText());
        assertTrue(auth.path("settled").asBoolean());
        assertEquals(3, auth.path("progress").path("total").asInt());
        assertEquals("feature/auth-api", auth.path("branch").asText());
        assertFalse(auth.path("agentSessionId").isNull());
        assertTrue(cli.run("status").expect(0).out().contains("auth-api"));
        assertTrue(cli.run("list").expect(0).out().contains("auth-api\tREADY_TO_MERGE\tfeature/auth-api"));
        assertTrue(cli.run("logs", "auth-api").expect(0).out().contains("orchestrator: RUNNING -> IDLE"));

        Cli.Running follow = cli.start("logs", "auth-api", "--follow", "--lines", "1");
        Cli.Running watch = cli.start("status", "--watch", "--interval", "200");
        Await.until("status --watch redraws", WAIT, () -> watch.outputSoFar().split("NAME", -1).length > 2);
        cli.run("prompt", "auth-api", "One more note").expect(0);
        Await.until("logs --follow prints the new turn", WAIT, () -> follow.outputSoFar().contains("One more note"));
        follow.process().destroy();
        watch.process().destroy();

        assertEquals(ExitCodes.NOT_FOUND, cli.run("prompt", "nope", "hello").exitCode());
        assertEquals(ExitCodes.NOT_FOUND, cli.run("stop", "nope").exitCode());
        Cli.Result badName = cli.run("create", "Bad Name", "--prompt", "x").expect(ExitCodes.FAILURE);
        assertTrue(badName.err().contains("Bad Name"), badName.err());

        assertTrue(cli.run("stop", "payments").expect(0).out().contains("payments: STOPPED"));
        Cli.Result unmerged = cli.run("remove", "payments").expect(ExitCodes.FAILURE);
        assertTrue(unmerged.err().contains("not merged") && unmerged.err().contains("--force"), unmerged.err());
        assertTrue(cli.run("list").expect(0).out().contains("payments"), "a refused remove leaves the session");
        cli.run("remove", "payments", "--force").expect(0);
        assertEquals("", TestRepos.git(repo, "branch", "--list", "feature/payments").trim());
        cli.run("prompt", "auth-api", "wait for me", "--wait").expect(0);
        cli.run("remove", "auth-api", "--keep-branch").expect(0);
        assertFalse(TestRepos.git(repo, "branch", "--list", "feature/auth-api").isBlank(), "--keep-branch keeps it");
        assertEquals("", cli.run("list").expect(0).out());

        // The engine serves the dashboard now: the command prints its address with the token.
        Cli.Result dashboard = cli.run("dashboard").expect(0);
        assertTrue(dashboard.out().startsWith("http://127.0.0.1:") && dashboard.out().contains("/?token="), dashboard.out());
        assertEquals(pid, Cli.enginePid(repo).orElseThrow(), "every command used the same engine");

        assertTrue(cli.run("shutdown").expect(0).out().contains("engine stopped"));
        assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        assertFalse(Files.exists(repo.resolve(".git/agent-orchestrator/engine/engine.json")));
    }

    @Test
    void ciRunsOnRequestAndStatusShowsTheForecastOfARunningEngine() throws Exception {
        Path repo = repo("120s", "50ms");
        Cli cli = new Cli(repo);
        cli.run("create", "alpha", "--prompt", "Add alpha").expect(0);
        cli.run("create", "asker", "--prompt", "Add it, then ASK").expect(0);
        Await.until("alpha is ready and asker waits", WAIT, () -> stored(repo, "alpha").state() == SessionState.READY_TO_MERGE
                && stored(repo, "asker").state() == SessionState.WAITING_FOR_INPUT);
        String firstCi = stored(repo, "alpha").lastCi().orElseThrow().finishedAt().toString();

        Cli.Result ran = cli.run("ci", "alpha", "--wait").expect(0);
        assertTrue(ran.out().startsWith("alpha: READY_TO_MERGE, CI SKIPPED"), ran.out());
        JsonNode status = cli.run("status", "--json").expect(0).json();
        JsonNode alpha = status.path("sessions").get(0);
        assertNotEquals(firstCi, alpha.path("ci").path("finishedAt").asText(), "a second CI result: " + alpha);
        assertTrue(status.path("engineRunning").asBoolean());
        assertTrue(status.path("overlaps").isArray(), status.toString());
        assertTrue(CoordinationView.forecastFromJson(status.path("forecast")).names().size() <= 2);

        Cli.Result refused = cli.run("ci", "asker").expect(ExitCodes.FAILURE);
        assertTrue(refused.err().contains("WAITING_FOR_INPUT") && refused.err().contains("IDLE or READY_TO_MERGE"), refused.err());
        assertEquals(ExitCodes.NOT_FOUND, cli.run("ci", "nope").exitCode());

        JsonNode forecast = cli.run("forecast", "--json").expect(0).json();
        assertTrue(forecast.path("pairs").isArray() && forecast.path("againstBase").isArray(), forecast.toString());
        String table = cli.run("forecast").expect(0).out();
        // The forecast is recomputed in the background, so the table is checked for its shape, not against the JSON.
        assertTrue(table.contains("into base") || table.equals("(no sessions to forecast)\n"), table);

        // merge: a waiting session is refused (exit 1, the reason said), a ready one merges into main.
        Cli.Result notReady = cli.run("merge", "asker").expect(ExitCodes.FAILURE);
        assertTrue(notReady.out().contains("asker: REFUSED_STATE"), notReady.out());
        Cli.Result merged = cli.run("merge", "alpha", "--strategy", "squash").expect(0);
        assertTrue(merged.out().startsWith("alpha: MERGED - merged into main"), merged.out());
        JsonNode after = cli.run("status", "--json").expect(0).json();
        assertEquals("MERGED", after.path("sessions").get(0).path("state").asText(), after.toString());

        cli.run("shutdown").expect(0);
        JsonNode offline = cli.run("status", "--json").expect(0).json();
        assertTrue(offline.path("forecast").isNull() && !offline.path("engineRunning").asBoolean(), offline.toString());
        assertTrue(cli.run("status").expect(0).out().contains(CoordinationView.NO_ENGINE));
    }

    @Test
    void theControlApiRefusesAMissingOrWrongToken() throws Exception {
        Path repo = repo("120s", "50ms");
        Cli cli = new Cli(repo);
        assertTrue(cli.run("start").expect(0).out().contains("engine started"));
        assertTrue(cli.run("start").expect(0).out().contains("already running"));
        JsonNode address = Cli.JSON.readTree(Files.readString(repo.resolve(".git/agent-orchestrator/engine/engine.json")));
        String url = address.path("url").asText();
        assertTrue(url.startsWith("http://127.0.0.1:"), url);
        String token = Files.readString(repo.resolve(".git/agent-orchestrator/engine/token"), StandardCharsets.UTF_8).strip();
        HttpClient http = HttpClient.newHttpClient();
        assertEquals(401, get(http, url + "/api/status", Optional.empty()).statusCode());
        assertEquals(403, get(http, url + "/api/status", Optional.of("0".repeat(token.length()))).statusCode());
        assertEquals(403, get(http, url + "/api/status", Optional.of(token + "x")).statusCode());
        HttpResponse<String> ok = get(http, url + "/api/status", Optional.of(token));
        assertEquals(200, ok.statusCode());
        assertEquals(address.path("pid").asLong(), Cli.JSON.readTree(ok.body()).path("engine").path("pid").asLong());
        assertEquals(404, get(http, url + "/api/sessions/nope", Optional.of(token)).statusCode());
        HttpResponse<String> shutdown = http.send(HttpRequest.newBuilder(URI.create(url + "/api/shutdown"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, shutdown.statusCode(), "an unauthenticated shutdown is refused");

        java.util.concurrent.BlockingQueue<String> events = new java.util.concurrent.LinkedBlockingQueue<>();
        http.sendAsync(HttpRequest.newBuilder(URI.create(url + "/api/events")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> r.body().forEach(events::add));
        Await.until("the event stream is open", WAIT, () -> events.contains(": connected"));
        cli.run("create", "evt", "--prompt", "Add events").expect(0);
        Await.until("a StateChanged event for evt", WAIT, () -> events.stream().anyMatch(l -> l.startsWith("data: ")
                && l.contains("\"type\":\"StateChanged\"") && l.contains("\"session\":\"evt\"")));
        assertTrue(events.contains("event: FeatureAdded"), events.toString());
        cli.run("shutdown").expect(0);
    }

    @Test
    void twoCommandsAtOnceStartOneEngineBetweenThem() throws Exception {
        Path repo = repo("120s", "50ms");
        Cli cli = new Cli(repo);
        Cli.Running first = cli.start("create", "alpha", "--prompt", "Add alpha");
        Cli.Running second = cli.start("create", "beta", "--prompt", "Add beta");
        first.await(WAIT).expect(0);
        second.await(WAIT).expect(0);
        assertEquals(List.of("alpha", "beta"), names(cli.run("status", "--json").expect(0).json()).stream().sorted().toList());
        String log = Files.readString(repo.resolve(".git/agent-orchestrator/engine/engine.log"), StandardCharsets.UTF_8);
        assertEquals(1, log.split("listening on", -1).length - 1, "one engine started:\n" + log);
        cli.run("shutdown").expect(0);
    }

    @Test
    void aKilledEngineIsRestartedByTheNextCommandWithNothingLost() throws Exception {
        Path repo = repo("120s", "700ms");
        Cli cli = new Cli(repo);
        cli.run("create", "first", "--prompt", "Add the first part").expect(0);
        Await.until("first settles", WAIT, () -> stored(repo, "first").state().isSettled());
        cli.run("create", "second", "--prompt", "Add the second part").expect(0);
        Await.until("second's agent is working", WAIT, () -> stored(repo, "second").state() == SessionState.RUNNING);
        long pid = Cli.enginePid(repo).orElseThrow();
        ProcessHandle engine = ProcessHandle.of(pid).orElseThrow();
        assertTrue(engine.destroyForcibly(), "SIGKILL sent");
        engine.onExit().get();
        SessionState atKill = stored(repo, "second").state();

        Cli.Result restarted = cli.run("start").expect(0);
        long newPid = Cli.enginePid(repo).orElseThrow();
        assertNotEquals(pid, newPid, restarted.out());
        Session second = stored(repo, "second");
        if (atKill == SessionState.RUNNING) {
            assertEquals(SessionState.INTERRUPTED, second.state(), "recovery marks the killed engine's running session");
        }
        assertEquals(SessionState.READY_TO_MERGE, stored(repo, "first").state(), "the settled session is untouched");

        Cli.Result resumed = cli.run("prompt", "second", "Go on where you stopped", "--wait").expect(0);
        assertTrue(resumed.out().startsWith("second: READY_TO_MERGE"), resumed.out());
        JsonNode status = cli.run("status", "--json").expect(0).json();
        assertEquals(List.of("first", "second"), names(status));
        assertTrue(cli.run("logs", "second", "--lines", "1000").expect(0).out().contains("Add the second part"),
                "the transcript from before the kill is kept");
        cli.run("shutdown").expect(0);
    }

    @Test
    void anIdleEngineStopsByItselfOnceItsSessionsSettle() throws Exception {
        Path repo = repo("2s", "200ms");
        Cli cli = new Cli(repo);
        cli.run("create", "solo", "--prompt", "Add solo").expect(0);
        long pid = Cli.enginePid(repo).orElseThrow();
        ProcessHandle engine = ProcessHandle.of(pid).orElseThrow();
        Await.until("the engine stops by itself", WAIT, () -> !engine.isAlive());
        assertTrue(stored(repo, "solo").state().isSettled(), "it stopped only after the session settled: " + stored(repo, "solo"));
        assertFalse(Files.exists(repo.resolve(".git/agent-orchestrator/engine/engine.json")));
        String log = Files.readString(repo.resolve(".git/agent-orchestrator/engine/engine.log"), StandardCharsets.UTF_8);
        assertTrue(log.contains("no live session and no client; stopping"), log);
    }

    @Test
    void anotherOrchestratorHoldingTheRepositoryIsAnEngineConflict() throws Exception {
        Path repo = repo("120s", "50ms");
        try (dev.agentorchestrator.Orchestrator embedded = dev.agentorchestrator.Orchestrator.builder().repo(repo)
                .agent(new dev.agentorchestrator.examples.demo.DemoAgentLauncher(Duration.ofMillis(10)))
                .ci(dev.agentorchestrator.Ci.none()).start()) {
            Cli.Result r = new Cli(repo).run("create", "x", "--prompt", "y").expect(ExitCodes.ENGINE);
            assertTrue(r.err().contains("already running"), r.err());
            assertTrue(embedded.sessions().isEmpty(), "nothing was added");
        }
    }

    private static Session stored(Path repo, String name) {
        try (StateStore store = StateStores.jsonFiles(repo.resolve(".git"))) {
            return store.load(name).map(dev.agentorchestrator.spi.SessionRecord::view)
                    .orElseThrow(() -> new AssertionError("no stored session " + name));
        }
    }

    private static List<String> names(JsonNode status) {
        List<String> names = new ArrayList<>();
        status.path("sessions").forEach(s -> names.add(s.path("name").asText()));
        return names;
    }

    private static HttpResponse<String> get(HttpClient http, String url, Optional<String> token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
