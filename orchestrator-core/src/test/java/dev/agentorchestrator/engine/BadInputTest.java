package dev.agentorchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.Feature;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorException;
import dev.agentorchestrator.RemoveRequest;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.WorktreeSetup;
import dev.agentorchestrator.agents.CommandLauncher;
import dev.agentorchestrator.agents.ProcessAgentLauncher;
import dev.agentorchestrator.spi.CiRequest;
import dev.agentorchestrator.testing.ScriptAgent;
import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, "bad input on every API entry point": every public method of {@link Orchestrator}, its
 * builder, {@link Feature.Builder}, {@link WorktreeSetup} and {@link RemoveRequest} is called with
 * null, blank, negative and out-of-range arguments. Each is refused with an
 * {@link OrchestratorException} (or, for null where the null policy says so, a
 * {@link NullPointerException}) whose message names the parameter, and nothing is written.
 */
class BadInputTest {

    @TempDir
    Path tmp;

    /** The calls that were not refused as promised, collected so one run shows all of them. */
    private final List<String> wrong = new ArrayList<>();

    private void refused(String call, Executable action, String... mustName) {
        Throwable thrown = null;
        try {
            action.execute();
        } catch (Throwable t) {
            thrown = t;
        }
        if (thrown == null) {
            wrong.add(call + ": accepted");
            return;
        }
        if (!(thrown instanceof OrchestratorException) && !(thrown instanceof NullPointerException)) {
            wrong.add(call + ": " + thrown);
            return;
        }
        String message = String.valueOf(thrown.getMessage());
        for (String s : mustName) {
            if (!message.contains(s)) {
                wrong.add(call + ": " + thrown.getClass().getSimpleName() + " does not name '" + s + "': " + message);
            }
        }
    }

    private void assertAllRefused() {
        assertTrue(wrong.isEmpty(), "not refused as promised:\n" + String.join("\n", wrong));
    }

    /** Refs, worktrees and the files of the git dir: what a refused call must leave as it was. */
    private String repositoryState(EngineFixture f) throws Exception {
        List<String> files = new ArrayList<>();
        Path gitDir = f.repo.resolve(".git");
        try (var walk = Files.walk(gitDir)) {
            walk.filter(p -> p.toString().contains("agent-orchestrator") && Files.isRegularFile(p)
                            && !p.getFileName().toString().endsWith(".log") && !p.getFileName().toString().equals("engine.lock"))
                    .forEach(p -> files.add(gitDir.relativize(p) + " " + p.toFile().length()));
        }
        java.util.Collections.sort(files);
        return f.git("for-each-ref") + "\n" + f.git("worktree", "list", "--porcelain") + "\n" + files
                + "\n" + (Files.exists(f.root.resolve("repo.worktrees")) ? TestRepos.tree(f.root.resolve("repo.worktrees")) : "");
    }

    @Test
    void featureRefusesANullOrBlankPromptNamingTheFeatureAndTheFix() {
        for (Executable call : List.<Executable>of(() -> Feature.of("auth", null), () -> Feature.builder("auth", null),
                () -> Feature.builder("auth", " "))) {
            ConfigurationException e = assertThrows(ConfigurationException.class, call);
            assertTrue(e.getMessage().contains("'auth'") && e.getMessage().contains("prompt"), e.getMessage());
        }
        assertTrue(assertThrows(ConfigurationException.class, () -> Feature.of("auth", null)).getMessage()
                .contains("Feature.of(\"auth\", \"Implement"));
    }

    @Test
    void builderMethodsRefuseNullNegativeAndOutOfRange() {
        Orchestrator.Builder b = Orchestrator.builder();
        refused("repo(null)", () -> b.repo(null), "repo");
        refused("feature(null, x)", () -> b.feature(null, "x"), "null");
        refused("feature(x, null)", () -> b.feature("x", null), "prompt");
        refused("feature(x, blank)", () -> b.feature("x", " "), "prompt");
        refused("feature((Feature) null)", () -> b.feature((Feature) null), "feature");
        refused("agent(null)", () -> b.agent(null), "agent");
        refused("git(null)", () -> b.git(null), "git");
        refused("stateStore(null)", () -> b.stateStore(null), "stateStore");
        refused("ci(null)", () -> b.ci(null), "ci");
        refused("maxParallelSessions(0)", () -> b.maxParallelSessions(0), "maxParallelSessions");
        refused("maxParallelSessions(-1)", () -> b.maxParallelSessions(-1), "maxParallelSessions");
        refused("worktreesDirectory(null)", () -> b.worktreesDirectory(null), "worktreesDirectory");
        refused("branchPrefix(null)", () -> b.branchPrefix(null), "branchPrefix");
        refused("branchPrefix(bad)", () -> b.branchPrefix("a..b/"), "branchPrefix");
        refused("baseBranch(null)", () -> b.baseBranch(null), "baseBranch");
        refused("setup(null)", () -> b.setup(null), "setup");
        refused("sessionTimeout(null)", () -> b.sessionTimeout(null), "sessionTimeout");
        refused("sessionTimeout(-1s)", () -> b.sessionTimeout(Duration.ofSeconds(-1)), "sessionTimeout");
        refused("sessionTimeout(0)", () -> b.sessionTimeout(Duration.ZERO), "sessionTimeout");
        refused("ciTimeout(null)", () -> b.ciTimeout(null), "ciTimeout");
        refused("ciTimeout(-1s)", () -> b.ciTimeout(Duration.ofSeconds(-1)), "ciTimeout");
        refused("stopGrace(null)", () -> b.stopGrace(null), "stopGrace");
        refused("stopGrace(-1s)", () -> b.stopGrace(Duration.ofSeconds(-1)), "stopGrace");
        refused("launchRetry(0, 1s)", () -> b.launchRetry(0, Duration.ofSeconds(1)), "launchRetry");
        refused("launchRetry(-1, 1s)", () -> b.launchRetry(-1, Duration.ofSeconds(1)), "launchRetry");
        refused("launchRetry(1, null)", () -> b.launchRetry(1, null), "launchRetry");
        refused("launchRetry(1, -1s)", () -> b.launchRetry(1, Duration.ofSeconds(-1)), "launchRetry");
        refused("launchRetry((RetryConfig) null)", () -> b.launchRetry(null), "launchRetry");
        refused("step(null, step)", () -> b.step(null, ctx -> { }), "phase");
        refused("step(phase, null)", () -> b.step(dev.agentorchestrator.spi.SessionStep.Phase.values()[0], null), "step");
        refused("agentEnvironment(null, v)", () -> b.agentEnvironment(null, "v"), "name");
        refused("agentEnvironment(n, null)", () -> b.agentEnvironment("N", null), "value");
        refused("listener(null)", () -> b.listener(null), "listener");
        refused("listenerExecutor(null)", () -> b.listenerExecutor(null), "listenerExecutor");
        refused("start() without repo", b::start, "repo");
        assertAllRefused();
    }

    @Test
    void featureBuilderWorktreeSetupAndRemoveRequestRefuseBadArguments() {
        Feature.Builder fb = Feature.builder("auth", "do it");
        refused("Feature.builder(null, x)", () -> Feature.builder(null, "x"), "null");
        refused("Feature.builder(-rf, x)", () -> Feature.builder("-rf", "x"), "-rf");
        refused("baseBranch(null)", () -> fb.baseBranch(null), "baseBranch");
        refused("baseBranch(blank)", () -> fb.baseBranch(" "), "baseBranch");
        refused("dependsOn((String[]) null)", () -> fb.dependsOn((String[]) null), "dependsOn");
        refused("dependsOn(null element)", () -> fb.dependsOn("a", null), "dependsOn");
        refused("agent(null)", () -> fb.agent(null), "agent");
        refused("setup(null)", () -> fb.setup(null), "setup");
        refused("Feature.of(x, null)", () -> Feature.of("x", null), "prompt");

        refused("WorktreeSetup.copying(null array)", () -> WorktreeSetup.copying((String[]) null), "copyFiles");
        refused("WorktreeSetup.copying(null)", () -> WorktreeSetup.copying("a", null), "copyFiles");
        refused("WorktreeSetup.copying(blank)", () -> WorktreeSetup.copying(" "), "copyFiles");
        refused("WorktreeSetup.copying(/abs)", () -> WorktreeSetup.copying("/etc/passwd"), "copyFiles");
        refused("WorktreeSetup.copying(..)", () -> WorktreeSetup.copying("../x"), "copyFiles");
        refused("WorktreeSetup.running(null array)", () -> WorktreeSetup.running((String[]) null), "command");
        refused("WorktreeSetup.running(null)", () -> WorktreeSetup.running("make", null), "command");
        refused("WorktreeSetup.running(blank)", () -> WorktreeSetup.running(" "), "command");
        refused("WorktreeSetup.thenRun(null)", () -> WorktreeSetup.NONE.thenRun((String[]) null), "command");
        refused("WorktreeSetup.withTimeout(null)", () -> WorktreeSetup.NONE.withTimeout(null), "timeout");
        refused("WorktreeSetup.withTimeout(0)", () -> WorktreeSetup.NONE.withTimeout(Duration.ZERO), "timeout");
        refused("WorktreeSetup.withTimeout(-1s)", () -> WorktreeSetup.NONE.withTimeout(Duration.ofSeconds(-1)), "timeout");
        refused("new WorktreeSetup(null, ...)", () -> new WorktreeSetup(null, List.of(), Duration.ofSeconds(1)), "copyFiles");
        refused("new WorktreeSetup(.., null, ..)", () -> new WorktreeSetup(List.of(), null, Duration.ofSeconds(1)), "command");

        refused("RemoveRequest.of(null)", () -> RemoveRequest.of(null), "feature");
        refused("RemoveRequest.of(blank)", () -> RemoveRequest.of(" "), "feature");
        assertAllRefused();
    }

    @Test
    void orchestratorMethodsRefuseBadArgumentsAndWriteNothing() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(EngineFixture.committingScript())))) {
            o.addFeature("done", "work");
            o.await("done", Duration.ofSeconds(60));
            String before = repositoryState(f);
            refused("addFeature((Feature) null)", () -> o.addFeature(null), "feature");
            refused("addFeature(null, x)", () -> o.addFeature(null, "x"), "null");
            refused("addFeature(x, null)", () -> o.addFeature("x", null), "prompt");
            refused("addFeature(x, blank)", () -> o.addFeature("x", "  "), "prompt");
            refused("addFeature(HEAD, x)", () -> o.addFeature("HEAD", "x"), "HEAD");
            refused("addFeature(nope base)", () -> o.addFeature(Feature.builder("x", "y").baseBranch("nope").build()), "nope");
            refused("addFeature(unknown dependency)", () -> o.addFeature(Feature.builder("x", "y").dependsOn("ghost").build()),
                    "ghost");
            refused("addFeature(existing)", () -> o.addFeature("done", "again"), "done");
            refused("session(null)", () -> o.session(null), "null");
            refused("session(blank)", () -> o.session(" "), "' '");
            refused("session(unknown)", () -> o.session("ghost"), "ghost");
            refused("prompt(null, x)", () -> o.prompt(null, "x"), "null");
            refused("prompt(x, null)", () -> o.prompt("done", null), "prompt");
            refused("prompt(x, blank)", () -> o.prompt("done", " "), "prompt");
            refused("prompt(unknown, x)", () -> o.prompt("ghost", "x"), "ghost");
            refused("stop(null)", () -> o.stop(null), "null");
            refused("stop(unknown)", () -> o.stop("ghost"), "ghost");
            refused("drift(null)", () -> o.drift(null), "name");
            refused("drift(unknown)", () -> o.drift("ghost"), "ghost");
            refused("repair(null)", () -> o.repair(null), "name");
            refused("repair(unknown)", () -> o.repair("ghost"), "ghost");
            refused("remove((RemoveRequest) null)", () -> o.remove((RemoveRequest) null), "request");
            refused("remove((String) null)", () -> o.remove((String) null), "feature");
            refused("remove(unknown)", () -> o.remove("ghost"), "ghost");
            refused("await(null, t)", () -> o.await(null, Duration.ofSeconds(1)), "null");
            refused("await(x, null)", () -> o.await("done", null), "timeout");
            refused("awaitAll(null)", () -> o.awaitAll(null), "timeout");
            refused("events().subscribe(null)", () -> o.events().subscribe(null), "listener");
            assertEquals(List.of("done"), o.sessions().stream().map(s -> s.name()).toList());
            assertEquals(SessionState.READY_TO_MERGE, o.session("done").state());
            assertEquals(before, repositoryState(f), "a refused call writes nothing");
            assertAllRefused();
        }
    }

    /**
     * Found by this suite and fixed: a blank environment name, a null session name, negative timeouts.
     */
    @Test
    void theBuilderAndTheRunningOrchestratorRefuseBadNamesAndTimeouts() throws Exception {
        refused("agentEnvironment(blank, v)", () -> Orchestrator.builder().agentEnvironment(" ", "v"), "name");
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of("true")))) {
            refused("findSession(null)", () -> o.findSession(null), "name");
            refused("await(x, -1s)", () -> o.await("x", Duration.ofSeconds(-1)), "timeout");
            refused("awaitAll(-1s)", () -> o.awaitAll(Duration.ofSeconds(-1)), "timeout");
        }
        assertAllRefused();
    }

    @Test
    void aPromptTooLongForTheLaunchersArgumentIsRefusedAtOnceWithNothingStored() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        CommandLauncher argumentAgent = CommandLauncher.builder().name("arg-agent").command("true", "{prompt}").build();
        String huge = "x".repeat(ProcessAgentLauncher.MAX_ARGUMENT_CHARS + 1);
        assertTrue(argumentAgent.checkPrompt(huge).isPresent());
        assertTrue(argumentAgent.checkPrompt("short").isEmpty());
        assertTrue(CommandLauncher.builder().command("cat").promptOnStdin().build().checkPrompt(huge).isEmpty(),
                "a launcher that reads stdin takes any prompt");
        try (Orchestrator o = f.start(f.builder().agent(argumentAgent))) {
            String before = f.git("for-each-ref");
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> o.addFeature("big", huge));
            assertTrue(e.getMessage().contains("'big'") && e.getMessage().contains("promptOnStdin()"), e.getMessage());
            assertTrue(o.findSession("big").isEmpty(), "nothing stored");
            assertEquals(before, f.git("for-each-ref"), "no branch made");

            o.addFeature("small", "short task");
            o.await("small", Duration.ofSeconds(60));
            List<String> pendingBefore = o.session("small").pendingPrompts();
            ConfigurationException p = assertThrows(ConfigurationException.class, () -> o.prompt("small", huge));
            assertTrue(p.getMessage().contains("'small'") && p.getMessage().contains("characters long"), p.getMessage());
            assertEquals(pendingBefore, o.session("small").pendingPrompts(), "the refused prompt is not queued");
        }
    }

    @Test
    void aBaseBranchThatDoesNotResolveIsRefusedAtStartNamingTheBranchesAndLeavesTheGitDirAsItWas() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path state = f.repo.resolve(".git/agent-orchestrator");
        List<String> gitDirBefore = TestRepos.tree(f.repo.resolve(".git"));
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> f.builder().agent(ScriptAgent.of("true")).baseBranch("nope").start());
        assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("main"), e.getMessage());
        assertFalse(Files.exists(state), "no state folder left behind");
        assertEquals(gitDirBefore, TestRepos.tree(f.repo.resolve(".git")));
    }

    @Test
    void aStartThatFailsAfterTakingTheLockRemovesTheStateFolderItMadeButNeverAnEarlierOne() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path state = f.repo.resolve(".git/agent-orchestrator");
        // An invalid feature in the builder is refused while the engine starts, after the lock is taken.
        Orchestrator.Builder bad = f.builder().agent(ScriptAgent.of("true"))
                .feature(Feature.builder("x", "y").dependsOn("ghost").build());
        assertThrows(OrchestratorException.class, bad::start);
        assertFalse(Files.exists(state), "the state folder this start made is gone");

        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(EngineFixture.committingScript())))) {
            o.addFeature("kept", "work");
            o.await("kept", Duration.ofSeconds(60));
        }
        List<String> before = TestRepos.tree(state);
        assertThrows(OrchestratorException.class, bad::start);
        assertTrue(Files.isDirectory(state), "an earlier state folder stays");
        assertTrue(TestRepos.tree(state).containsAll(before.stream().filter(p -> !p.endsWith(".tmp")).toList()),
                "nothing that existed before was removed: " + TestRepos.tree(state));
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of("true")))) {
            assertEquals(SessionState.READY_TO_MERGE, o.session("kept").state());
        }
    }

    @Test
    void ciNoneSaysThatNoCiIsConfiguredAndHowToConfigureOne() {
        CiResult r = Ci.none().run(new CiRequest("x", tmp, "0".repeat(40), Duration.ofSeconds(1), line -> { }));
        assertEquals(CiResult.Status.SKIPPED, r.status());
        assertTrue(r.summary().contains("no CI is configured"), r.summary());
        assertTrue(r.summary().contains(".ci(Ci.command("), r.summary());
    }
}
