package dev.agentorchestrator.engine;

import static org.junit.jupiter.api.Assertions.*;

import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.Feature;
import dev.agentorchestrator.FeatureNames;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.InvalidFeatureNameException;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorException;
import dev.agentorchestrator.testing.ScriptAgent;
import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Every bad configuration is refused with a message naming the field and the rule, and writes nothing. */
class OrchestratorBuilderTest {

    @TempDir
    Path tmp;

    private static <T extends Throwable> String fails(Class<T> type, Executable call, String... mustContain) {
        T e = assertThrows(type, call);
        for (String s : mustContain) {
            assertTrue(e.getMessage().contains(s), "message should contain '" + s + "': " + e.getMessage());
        }
        assertTrue(e instanceof OrchestratorException, "under the one root: " + e.getClass());
        return e.getMessage();
    }

    @Test
    void settersNameTheFieldTheyRefuse() {
        Orchestrator.Builder b = Orchestrator.builder();
        fails(ConfigurationException.class, () -> b.maxParallelSessions(0), "maxParallelSessions", "at least 1");
        fails(ConfigurationException.class, () -> b.sessionTimeout(Duration.ZERO), "sessionTimeout", "positive");
        fails(ConfigurationException.class, () -> b.ciTimeout(Duration.ofSeconds(-1)), "ciTimeout", "positive");
        fails(ConfigurationException.class, () -> b.stopGrace(Duration.ofSeconds(-1)), "stopGrace", "negative");
        fails(ConfigurationException.class, () -> b.launchRetry(0, Duration.ofSeconds(1)), "launchRetry", "at least 1");
        fails(ConfigurationException.class, () -> b.branchPrefix("bad..prefix/"), "branchPrefix", "no-double-dot");
    }

    @Test
    void featuresAreCheckedWhenMade() {
        InvalidFeatureNameException e = assertThrows(InvalidFeatureNameException.class, () -> Feature.of("../escape", "x"));
        assertEquals(FeatureNames.RULE_DOUBLE_DOT, e.rule());
        assertTrue(e.getMessage().contains("../escape"), e.getMessage());
        fails(ConfigurationException.class, () -> Feature.of("ok", "  "), "prompt", "'ok'");
        fails(ConfigurationException.class, () -> Feature.builder("a", "x").dependsOn("a").build(), "'a'", "itself");
        fails(ConfigurationException.class, () -> Feature.builder("a", "x").dependsOn("b", "b").build(), "twice");
    }

    @Test
    void startNamesTheMissingRepoAndDuplicateFeatures() {
        fails(ConfigurationException.class, () -> Orchestrator.builder().start(), "repo is required");
        Path repo = TestRepos.withCommit(tmp.resolve("r"));
        fails(ConfigurationException.class, () -> Orchestrator.builder().repo(repo).agent(ScriptAgent.of("true"))
                .feature("a", "x").feature("a", "y").start(), "unique", "[a]");
    }

    @Test
    void aFolderThatIsNoRepositoryIsNamed() throws Exception {
        Path plain = Files.createDirectories(tmp.resolve("not a repo"));
        fails(GitException.class, () -> Orchestrator.builder().repo(plain).agent(ScriptAgent.of("true")).start(), "not a repo");
    }

    @Test
    void aRepositoryWithoutCommitsIsRefusedWithTheFixAndNothingIsStored() {
        Path repo = TestRepos.empty(tmp.resolve("empty"));
        fails(GitException.class, () -> Orchestrator.builder().repo(repo).agent(ScriptAgent.of("true"))
                .feature("first", "x").start(), "no commits");
        try (Orchestrator o = Orchestrator.builder().repo(repo).agent(ScriptAgent.of("true")).baseBranch("main").start()) {
            assertEquals(List.of(), o.sessions(), "the refused feature left no record");
        }
        assertEquals("", TestRepos.git(repo, "branch", "--list").trim());
    }

    @Test
    void unknownDependenciesAndCyclesAreNamed() {
        Path repo = TestRepos.withCommit(tmp.resolve("r"));
        fails(ConfigurationException.class, () -> Orchestrator.builder().repo(repo).agent(ScriptAgent.of("true"))
                .feature(Feature.builder("ui", "x").dependsOn("api").build()).start(), "ui", "api");
        fails(ConfigurationException.class, () -> Orchestrator.builder().repo(repo).agent(ScriptAgent.of("true"))
                .feature(Feature.builder("a", "x").dependsOn("b").build())
                .feature(Feature.builder("b", "x").dependsOn("a").build()).start(), "cycle");
    }

    @Test
    void addingAFeatureWhoseNameIsTakenWritesNothing() throws Exception {
        Path repo = TestRepos.withCommit(tmp.resolve("r"));
        TestRepos.git(repo, "branch", "feature/taken");
        Files.createDirectories(tmp.resolve("r.worktrees/occupied"));
        Files.writeString(tmp.resolve("r.worktrees/occupied/file"), "mine");
        try (Orchestrator o = Orchestrator.builder().repo(repo).agent(ScriptAgent.of("true")).start()) {
            assertEquals("branch-free", assertThrows(InvalidFeatureNameException.class, () -> o.addFeature("taken", "x")).rule());
            assertEquals("folder-free", assertThrows(InvalidFeatureNameException.class, () -> o.addFeature("occupied", "x")).rule());
            fails(GitException.class, () -> o.addFeature(Feature.builder("nobase", "x").baseBranch("develop").build()), "develop");
            TestRepos.git(repo, "branch", "feature/deep");
            assertEquals("branch-free", assertThrows(InvalidFeatureNameException.class, () -> o.addFeature("deep/er", "x")).rule());
            assertEquals(List.of(), o.sessions());
            assertEquals("mine", Files.readString(tmp.resolve("r.worktrees/occupied/file")));
            o.addFeature("fresh", "x");
            assertEquals("session-free", assertThrows(InvalidFeatureNameException.class, () -> o.addFeature("fresh", "y")).rule());
        }
    }

    @Test
    void aSecondOrchestratorOnTheSameRepositoryIsRefusedWhileTheFirstRuns() {
        Path repo = TestRepos.withCommit(tmp.resolve("r"));
        try (Orchestrator first = Orchestrator.builder().repo(repo).agent(ScriptAgent.of("true")).start()) {
            fails(ConfigurationException.class, () -> Orchestrator.builder().repo(repo).agent(ScriptAgent.of("true")).start(),
                    "already running", "engine.lock");
        }
        Orchestrator.builder().repo(repo).agent(ScriptAgent.of("true")).start().close();
    }
}
