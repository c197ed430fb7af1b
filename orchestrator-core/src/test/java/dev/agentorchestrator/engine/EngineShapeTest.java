package dev.agentorchestrator.engine;

import static dev.agentorchestrator.SessionState.CREATING_WORKTREE;
import static dev.agentorchestrator.SessionState.FAILED;
import static dev.agentorchestrator.SessionState.IDLE;
import static dev.agentorchestrator.SessionState.INTERRUPTED;
import static dev.agentorchestrator.SessionState.QUEUED;
import static dev.agentorchestrator.SessionState.READY_TO_MERGE;
import static dev.agentorchestrator.SessionState.RUNNING;
import static dev.agentorchestrator.SessionState.STOPPED;
import static dev.agentorchestrator.SessionState.TESTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.Feature;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.StatusSnapshot;
import dev.agentorchestrator.WorktreeSetup;
import dev.agentorchestrator.spi.AgentLauncher;
import dev.agentorchestrator.spi.AgentProcess;
import dev.agentorchestrator.spi.AgentRequest;
import dev.agentorchestrator.spi.SessionStep;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.ScriptAgent;
import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins what the engine does on the paths the reshape moved: red CI, stop and close during CI and
 * during worktree setup, dependencies, settledness, launchers after a restart, host steps, retries.
 */
class EngineShapeTest {

    /** Commits {@code task.txt}; on the prompt "fix" also commits {@code fixed.txt}. */
    static final String FIXING_AGENT = String.join("\n",
            "echo SESSION conv-$(basename \"$PWD\")",
            "if [ \"$1\" = fix ]; then echo ok > fixed.txt; git add fixed.txt; else printf '%s\\n' \"$1\" > task.txt; git add task.txt; fi",
            "git -c user.name=A -c user.email=a@example.invalid commit -q -m \"agent: $1\"",
            "echo done");

    /** Works until {@code release} appears in the parent folder of the worktrees, then commits. */
    static String holdingAgent(Path release) {
        return String.join("\n",
                "echo SESSION hold-$(basename \"$PWD\")",
                "while [ ! -f '" + release + "' ]; do sleep 0.05; done",
                "echo x > held.txt; git add held.txt; git -c user.name=A -c user.email=a@example.invalid commit -q -m held",
                "echo done");
    }

    @TempDir
    Path tmp;

    @Test
    void redCiLeavesTheSessionIdleWithItsResultAndAFixTurnsItGreen() {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(FIXING_AGENT)).reactions()
                .ci(Ci.command("bash", "-c", "test -f fixed.txt")).feature("auth", "write auth"))) {
            Session red = o.await("auth", Duration.ofSeconds(60));
            assertEquals(IDLE, red.state(), red.toString());
            CiResult ci = red.lastCi().orElseThrow();
            assertEquals(CiResult.Status.FAILED, ci.status());
            assertEquals(f.git("rev-parse", "feature/auth"), ci.commit(), "CI names the branch head it tested");
            assertTrue(red.message().startsWith("CI failed"), red.message());

            o.prompt("auth", "fix");
            Session green = o.await("auth", Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, green.state(), green.toString());
            assertEquals(CiResult.Status.PASSED, green.lastCi().orElseThrow().status());
            assertEquals(f.git("rev-parse", "feature/auth"), green.lastCi().orElseThrow().commit());
            f.assertStates("auth", List.of(CREATING_WORKTREE, RUNNING, IDLE, TESTING, IDLE, RUNNING, IDLE, TESTING, READY_TO_MERGE));
        }
    }

    @Test
    void stopDuringCiEndsTheTestCommandAndStopsTheSession() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path pid = tmp.resolve("ci.pid");
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(FIXING_AGENT))
                .ci(Ci.command("bash", "-c", "echo $$ > '" + pid + "'; sleep 1000")).feature("slow-ci", "x"))) {
            Await.until("CI runs", Duration.ofSeconds(60), () -> Files.exists(pid) && o.session("slow-ci").state() == TESTING);
            long ciPid = Long.parseLong(Files.readString(pid).trim());
            Session stopped = o.stop("slow-ci");
            assertEquals(STOPPED, stopped.state(), stopped.toString());
            assertEquals(Session.Work.NONE, stopped.work());
            Await.until("the CI command ended", Duration.ofSeconds(20),
                    () -> ProcessHandle.of(ciPid).map(p -> !p.isAlive()).orElse(true));
            assertTrue(o.status().isSettled("slow-ci"));
        }
    }

    @Test
    void closeDuringCiInterruptsTheSessionAndTheNextOrchestratorResumesIt() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path pid = tmp.resolve("ci.pid");
        Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(FIXING_AGENT))
                .ci(Ci.command("bash", "-c", "echo $$ > '" + pid + "'; sleep 1000")).feature("slow-ci", "x"));
        Await.until("CI runs", Duration.ofSeconds(60), () -> Files.exists(pid) && o.session("slow-ci").state() == TESTING);
        o.close();
        try (Orchestrator again = f.builder().agent(ScriptAgent.of(FIXING_AGENT)).start()) {
            Session s = again.session("slow-ci");
            assertEquals(INTERRUPTED, s.state(), s.toString());
            again.prompt("slow-ci", "fix");
            assertEquals(READY_TO_MERGE, again.await("slow-ci", Duration.ofSeconds(60)).state());
        }
    }

    @Test
    void stopWhileTheWorktreeSetupRunsStopsAndAPromptRunsTheSetupAgain() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path marker = tmp.resolve("setup-runs");
        Path gate = tmp.resolve("setup-may-finish");
        WorktreeSetup setup = WorktreeSetup.running("bash", "-c",
                "echo run >> '" + marker + "'; while [ ! -f '" + gate + "' ]; do sleep 0.05; done");
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(FIXING_AGENT)).setup(setup).feature("setup", "x"))) {
            Await.until("setup runs", Duration.ofSeconds(60), () -> Files.exists(marker));
            assertEquals(CREATING_WORKTREE, o.session("setup").state());
            Session stopped = o.stop("setup");
            assertEquals(STOPPED, stopped.state(), stopped.toString());
            Files.writeString(gate, "go");
            o.prompt("setup", "then this");
            Session done = o.await("setup", Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, done.state(), done.toString());
            assertEquals(2, Files.readAllLines(marker).size(), "the setup that was stopped ran again");
            assertEquals(List.of("agent: then this", "agent: x"),
                    List.of(f.git("log", "--format=%s", "-2", "feature/setup").split("\n")),
                    "an agent that never ran begins with its task, then takes the follow-up");
        }
    }

    @Test
    void aSequentialDependentStartsOnlyOnceItsDependencyIsMerged() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path release = tmp.resolve("release");
        AgentLauncher hold = ScriptAgent.of(holdingAgent(release)).named("hold");
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(FIXING_AGENT)).maxParallelSessions(3)
                .feature(Feature.builder("base", "x").agent(hold).build())
                .feature(Feature.builder("on-top", "y").dependsOn("base").build()))) {
            Await.until("base runs", Duration.ofSeconds(60), () -> o.session("base").state() == RUNNING);
            assertEquals(QUEUED, o.session("on-top").state(), "a free slot is not enough: the dependency is not done");
            assertTrue(o.session("on-top").worktree().isEmpty());
            assertFalse(o.status().isSettled("on-top"));
            Files.writeString(release, "go");
            StatusSnapshot ready = o.awaitAll(Duration.ofSeconds(60));
            // Issue 17: the default mode is SEQUENTIAL, so a dependency that is only ready keeps it queued (and settled).
            assertEquals(READY_TO_MERGE, ready.session("base").orElseThrow().state());
            assertEquals(QUEUED, ready.session("on-top").orElseThrow().state(), "it waits for the merge");
            assertTrue(o.merge("base").merged());
            StatusSnapshot all = o.awaitAll(Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, all.session("on-top").orElseThrow().state());
            List<OrchestratorEvent> events = List.copyOf(f.events);
            int baseMerged = indexOf(events, "base", SessionState.MERGED);
            int dependentStarts = indexOf(events, "on-top", CREATING_WORKTREE);
            assertTrue(baseMerged >= 0 && dependentStarts > baseMerged, "base merged at " + baseMerged + ", on-top starts at " + dependentStarts);
            assertEquals("", TestRepos.git(f.repo, "rev-list", "feature/on-top..main").trim(), "it started from the new base");
        }
    }

    private static int indexOf(List<OrchestratorEvent> events, String session, SessionState to) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof OrchestratorEvent.StateChanged s && s.session().equals(session) && s.to() == to) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void awaitAllReturnsASnapshotThatAgreesItIsSettledWhenADependencyFailed() {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of("echo SESSION x; exit 3"))
                .feature("broken", "x").feature(Feature.builder("waits", "y").dependsOn("broken").build()))) {
            StatusSnapshot all = o.awaitAll(Duration.ofSeconds(60));
            assertEquals(FAILED, all.session("broken").orElseThrow().state());
            assertEquals(QUEUED, all.session("waits").orElseThrow().state());
            assertTrue(all.allSettled(), "the one definition of settled: " + all);
            assertTrue(all.isSettled("waits"));
            assertEquals(List.of(), all.unsettled());
        }
    }

    @Test
    void aStopRacingAJustQueuedStartNeverEndsInAnUnexpectedFailure() {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(FIXING_AGENT)).maxParallelSessions(4))) {
            for (int i = 0; i < 8; i++) {
                String name = "race-" + i;
                o.addFeature(name, "x");
                Session s = o.stop(name);
                assertEquals(STOPPED, s.state(), s.toString());
                assertEquals(Session.Work.NONE, s.work());
                assertFalse(s.message().contains("unexpected"), s.message());
            }
            assertTrue(o.awaitAll(Duration.ofSeconds(60)).allSettled());
            assertTrue(f.events.stream().noneMatch(e -> e instanceof OrchestratorEvent.StateChanged c && c.to() == FAILED),
                    "no session failed");
        }
    }

    @Test
    void afterARestartASessionRefusesALauncherItWasNotStartedWithAndTakesTheSameOneAgain() {
        EngineFixture f = new EngineFixture(tmp);
        AgentLauncher custom = withSettings(ScriptAgent.of(FIXING_AGENT).named("custom"), Map.of("model", "big"));
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(FIXING_AGENT))
                .feature(Feature.builder("own", "x").agent(custom).build()))) {
            assertEquals(READY_TO_MERGE, o.await("own", Duration.ofSeconds(60)).state());
        }
        try (Orchestrator forgot = f.builder().agent(ScriptAgent.of(FIXING_AGENT)).start()) {
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> forgot.prompt("own", "fix"));
            assertTrue(e.getMessage().contains("'custom'") && e.getMessage().contains("Feature.builder(\"own\""), e.getMessage());
            assertTrue(forgot.session("own").pendingPrompts().isEmpty(), "a refused prompt is not queued");
        }
        AgentLauncher smaller = withSettings(ScriptAgent.of(FIXING_AGENT).named("custom"), Map.of("model", "small"));
        try (Orchestrator other = f.builder().agent(smaller).start()) {
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> other.prompt("own", "fix"));
            assertTrue(e.getMessage().contains("model: 'big' now 'small'"), e.getMessage());
        }
        try (Orchestrator same = f.builder().agent(ScriptAgent.of(FIXING_AGENT))
                .feature(Feature.builder("own", "x").agent(custom).build()).start()) {
            same.prompt("own", "fix");
            assertEquals(READY_TO_MERGE, same.await("own", Duration.ofSeconds(60)).state());
        }
    }

    @Test
    void aChangedFeatureIsAppliedWhenSafeAndRefusedWithTheDifferenceWhenNot() {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(FIXING_AGENT)).feature("f", "first task"))) {
            o.await("f", Duration.ofSeconds(60));
        }
        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> f.builder().agent(ScriptAgent.of(FIXING_AGENT)).feature("f", "another task").start());
        assertTrue(refused.getMessage().contains("'first task'") && refused.getMessage().contains("'another task'"),
                refused.getMessage());
        WorktreeSetup setup = WorktreeSetup.running("true");
        try (Orchestrator o = f.builder().agent(ScriptAgent.of(FIXING_AGENT))
                .feature(Feature.builder("f", "first task").setup(setup).build()).start()) {
            assertEquals(READY_TO_MERGE, o.session("f").state(), "the refused start changed nothing");
        }
    }

    @Test
    void aHostStepRunsAfterTheTurnAndCanFailTheSession() {
        EngineFixture f = new EngineFixture(tmp);
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(FIXING_AGENT))
                .step(SessionStep.Phase.AFTER_TURN, chain -> {
                    seen.add(chain.session().state() + " " + chain.worktree().isPresent());
                    chain.note("lint: 1 problem");
                    chain.fail("lint found a problem");
                })
                .feature("linted", "x"))) {
            Session s = o.await("linted", Duration.ofSeconds(60));
            assertEquals(FAILED, s.state());
            assertEquals("lint found a problem", s.message());
            assertEquals(List.of("IDLE true"), seen);
            assertTrue(s.lastCi().isEmpty(), "CI comes after the host step, which ended the work");
        }
    }

    @Test
    void failedLaunchesAreRetriedAsEventsAndEndTheSessionFailed() {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.start(f.builder().launchRetry(3, Duration.ofMillis(20))
                .agent(ScriptAgent.of(FIXING_AGENT).withMissingExecutable()).feature("nope", "x"))) {
            Session s = o.await("nope", Duration.ofSeconds(60));
            assertEquals(FAILED, s.state());
            assertTrue(s.message().contains("after 3 tries"), s.message());
            Await.until("retry events", Duration.ofSeconds(10), () -> f.events.stream()
                    .filter(e -> e instanceof OrchestratorEvent.LaunchRetried).count() == 2);
            assertTrue(f.events.stream().anyMatch(e -> e instanceof OrchestratorEvent.LaunchRetried r
                    && r.attempt() == 1 && r.maxAttempts() == 3 && r.session().equals("nope")));
        }
    }

    @Test
    void theEventsOfEachSessionArriveInRevisionOrderAndSlotsAreAllGivenBack() {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.builder().listener(f.events::add).agent(ScriptAgent.of(FIXING_AGENT)).maxParallelSessions(2)
                .feature("a", "x").feature("b", "y").feature("c", "z").start()) {
            o.awaitAll(Duration.ofSeconds(60));
            for (String n : List.of("a", "b", "c")) {
                o.prompt(n, "fix");
            }
            StatusSnapshot all = o.awaitAll(Duration.ofSeconds(60));
            Await.until("every event delivered", Duration.ofSeconds(10), () -> f.events.stream()
                    .filter(e -> e instanceof OrchestratorEvent.SlotReleased).count() == 6);
            // The last write of a work (its end) may still be on its way to the listener.
            Await.until("each session's stored revision is delivered", Duration.ofSeconds(10), () -> all.sessions().stream()
                    .allMatch(s -> f.events.stream().anyMatch(e -> e instanceof OrchestratorEvent.SessionUpdated u
                            && u.session().equals(s.name()) && u.snapshot().revision() == o.session(s.name()).revision()
                            || e instanceof OrchestratorEvent.StateChanged c && c.session().equals(s.name())
                            && c.revision() == o.session(s.name()).revision())));
            Map<String, Long> last = new HashMap<>();
            for (OrchestratorEvent e : List.copyOf(f.events)) {
                long revision = e instanceof OrchestratorEvent.StateChanged c ? c.revision()
                        : e instanceof OrchestratorEvent.SessionUpdated u ? u.snapshot().revision() : -1;
                if (revision >= 0) {
                    long before = last.getOrDefault(e.session(), 0L);
                    assertTrue(revision > before, e.session() + ": revision " + revision + " after " + before);
                    last.put(e.session(), revision);
                }
            }
            for (Session s : all.sessions()) {
                assertEquals(o.session(s.name()).revision(), last.get(s.name()), "the last event carries the stored revision of " + s.name());
            }
            long acquired = f.events.stream().filter(e -> e instanceof OrchestratorEvent.SlotAcquired).count();
            assertEquals(6, acquired);
            assertTrue(f.events.stream().filter(e -> e instanceof OrchestratorEvent.SlotAcquired)
                    .allMatch(e -> ((OrchestratorEvent.SlotAcquired) e).inUse() <= 2), "never more than the bound");
        }
    }

    /** A launcher that runs {@code delegate} but reports {@code settings}, as a configured real launcher would. */
    static AgentLauncher withSettings(AgentLauncher delegate, Map<String, String> settings) {
        return new AgentLauncher() {
            @Override
            public String name() {
                return delegate.name();
            }

            @Override
            public Map<String, String> settings() {
                return settings;
            }

            @Override
            public AgentProcess launch(AgentRequest request) {
                return delegate.launch(request);
            }
        };
    }
}
