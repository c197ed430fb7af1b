package dev.agentorchestrator.examples.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.DependencyMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrchestratorConfigTest {

    @Test
    void everyKeyIsRead() {
        OrchestratorConfig c = OrchestratorConfig.parse("f.yaml", """
                agent:
                  name: claude-code
                  model: sonnet
                  executable: /opt/claude
                  permissionMode: acceptEdits
                  allowedTools: [Edit, Write]
                  args: ["--verbose"]
                  environment:
                    FOO: bar
                maxParallelSessions: 5
                worktreesDirectory: ../trees
                branchPrefix: agent/
                baseBranch: develop
                setup:
                  copy: [.env]
                  command: npm ci
                  timeout: 5m
                ci:
                  command: [mvn, -q, verify]
                  timeout: 1h30m
                sessionTimeout: 45m
                stopGrace: 500ms
                engine:
                  idleTimeout: 2s
                features:
                  - name: auth-api
                    prompt: Add login
                  - name: audit
                    prompt: Log it
                    dependsOn: [auth-api]
                    agent: codex
                """);
        assertEquals("claude-code", c.agent().name());
        assertEquals(Optional.of("sonnet"), c.agent().model());
        assertEquals(List.of("Edit", "Write"), c.agent().allowedTools());
        assertEquals(Map.of("FOO", "bar"), c.agent().environment());
        assertEquals(5, c.maxParallelSessions());
        assertEquals(Optional.of("../trees"), c.worktreesDirectory());
        assertEquals("agent/", c.branchPrefix());
        assertEquals(List.of("npm", "ci"), c.setup().command());
        assertEquals(Duration.ofMinutes(5), c.setup().timeout());
        assertEquals(List.of("mvn", "-q", "verify"), c.ci().command());
        assertEquals(Duration.ofMinutes(90), c.ci().timeout());
        assertEquals(Duration.ofMillis(500), c.stopGrace());
        assertEquals(Duration.ofSeconds(2), c.engine().idleTimeout());
        assertEquals(List.of("auth-api"), c.features().get(1).dependsOn());
        assertEquals(Optional.of("codex"), c.features().get(1).agent());
    }

    @Test
    void anEmptyFileIsTheDefaults() {
        assertEquals(OrchestratorConfig.defaults(), OrchestratorConfig.parse("f.yaml", ""));
        assertEquals("none", OrchestratorConfig.parse("f.yaml", "ci: none").ci().describe());
        assertEquals("codex", OrchestratorConfig.parse("f.yaml", "agent: codex").agent().name());
    }

    @Test
    void anUnknownKeyNamesItsLineAndColumn() {
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> OrchestratorConfig.parse("f.yaml", """
                agent: codex
                setup:
                  copy: [.env]
                  comand: npm ci
                """));
        assertEquals("setup.comand", e.key());
        assertEquals(4, e.line());
        assertEquals(3, e.column());
        assertTrue(e.getMessage().startsWith("f.yaml:4:3: setup.comand is not a known key"), e.getMessage());
        assertTrue(e.getMessage().contains("command"), e.getMessage());
    }

    @Test
    void aWrongTypeNamesItsLineAndColumn() {
        ConfigFileException e = assertThrows(ConfigFileException.class,
                () -> OrchestratorConfig.parse("f.yaml", "agent: demo\nmaxParallelSessions: many\n"));
        assertEquals("maxParallelSessions", e.key());
        assertEquals(2, e.line());
        assertEquals(22, e.column());
        ConfigFileException list = assertThrows(ConfigFileException.class,
                () -> OrchestratorConfig.parse("f.yaml", "setup:\n  copy:\n    a: b\n"));
        assertEquals("setup.copy", list.key());
        assertEquals(3, list.line());
        assertThrows(ConfigFileException.class, () -> OrchestratorConfig.parse("f.yaml", "stopGrace: soon"));
        assertThrows(ConfigFileException.class, () -> OrchestratorConfig.parse("f.yaml", "agent:\n  name: demo\n  model: x\n"));
        assertThrows(ConfigFileException.class, () -> OrchestratorConfig.parse("f.yaml", "features:\n  - name: Bad Name\n    prompt: x\n"));
        ConfigFileException syntax = assertThrows(ConfigFileException.class, () -> OrchestratorConfig.parse("f.yaml", "a: [\n"));
        assertTrue(syntax.getMessage().contains("not valid YAML"), syntax.getMessage());
    }

    @Test
    void aFeaturesDependencyModeIsRead() {
        OrchestratorConfig c = OrchestratorConfig.parse("f.yaml", """
                features:
                  - name: api
                    prompt: Add the API
                  - name: ui
                    prompt: Add the UI
                    dependsOn: [api]
                    dependencyMode: Stacked
                  - name: docs
                    prompt: Document it
                    dependsOn: [api, ui]
                    dependencyMode: sequential
                """);
        assertEquals(DependencyMode.SEQUENTIAL, c.features().get(0).dependencyMode());
        assertEquals(DependencyMode.STACKED, c.features().get(1).dependencyMode());
        assertEquals(DependencyMode.SEQUENTIAL, c.features().get(2).dependencyMode());
        assertEquals(DependencyMode.STACKED, c.features().get(1).toFeature(c).dependencyMode(), "the library's feature gets it");
    }

    @Test
    void aWrongDependencyModeNamesKeyLineAndColumn() {
        ConfigFileException unknown = assertThrows(ConfigFileException.class, () -> OrchestratorConfig.parse("f.yaml", """
                features:
                  - name: ui
                    prompt: Add the UI
                    dependsOn: [api]
                    dependencyMode: parallel
                """));
        assertEquals("features[0].dependencyMode", unknown.key());
        assertEquals(5, unknown.line());
        assertEquals(21, unknown.column());
        assertTrue(unknown.getMessage().contains("must be sequential or stacked, found 'parallel'"), unknown.getMessage());

        ConfigFileException twoBelow = assertThrows(ConfigFileException.class, () -> OrchestratorConfig.parse("f.yaml", """
                features:
                  - name: ui
                    prompt: Add the UI
                    dependsOn: [api, auth]
                    dependencyMode: stacked
                """));
        assertEquals("features[0].dependencyMode", twoBelow.key());
        assertTrue(twoBelow.getMessage().contains("exactly one") && twoBelow.getMessage().contains("[api, auth]"),
                twoBelow.getMessage());

        ConfigFileException none = assertThrows(ConfigFileException.class, () -> OrchestratorConfig.parse("f.yaml", """
                features:
                  - name: ui
                    prompt: Add the UI
                    dependencyMode: stacked
                """));
        assertTrue(none.getMessage().startsWith("f.yaml:4:21: features[0].dependencyMode is stacked"), none.getMessage());
    }

    @Test
    void theEnvironmentOverridesTheFile() {
        OrchestratorConfig c = OrchestratorConfig.parse("f.yaml", "agent:\n  name: codex\n  model: o3\nmaxParallelSessions: 2\n")
                .withEnvironment(Map.of(OrchestratorConfig.ENV_MAX_PARALLEL, "7", OrchestratorConfig.ENV_IDLE_TIMEOUT, "3s",
                        OrchestratorConfig.ENV_MODEL, "o4"));
        assertEquals(7, c.maxParallelSessions());
        assertEquals(Duration.ofSeconds(3), c.engine().idleTimeout());
        assertEquals(Optional.of("o4"), c.agent().model());
        OrchestratorConfig other = c.withEnvironment(Map.of(OrchestratorConfig.ENV_AGENT, "gemini"));
        assertEquals("gemini", other.agent().name());
        assertEquals(Optional.empty(), other.agent().model());
        ConfigFileException e = assertThrows(ConfigFileException.class,
                () -> c.withEnvironment(Map.of(OrchestratorConfig.ENV_MAX_PARALLEL, "0")));
        assertEquals(OrchestratorConfig.ENV_MAX_PARALLEL, e.source());
    }

    @Test
    void aMissingFileSaysHowToMakeOne(@TempDir Path dir) throws Exception {
        ConfigFileException e = assertThrows(ConfigFileException.class,
                () -> OrchestratorConfig.load(dir.resolve(OrchestratorConfig.FILE_NAME)));
        assertTrue(e.getMessage().contains("agent-orchestrator init"), e.getMessage());
        Files.writeString(dir.resolve("x.yaml"), "maxParallelSessions: 4\n");
        assertEquals(4, OrchestratorConfig.load(dir.resolve("x.yaml")).maxParallelSessions());
    }

    @Test
    void applyToConfiguresARealOrchestrator(@TempDir Path dir) {
        Path repo = dev.agentorchestrator.testing.TestRepos.withCommit(dir.resolve("repo"));
        OrchestratorConfig config = OrchestratorConfig.parse("f.yaml", """
                agent:
                  name: demo
                  step: 10ms
                ci: none
                worktreesDirectory: ../trees
                branchPrefix: work/
                features:
                  - name: solo
                    prompt: Add solo
                """);
        try (dev.agentorchestrator.Orchestrator o = config.applyTo(dev.agentorchestrator.Orchestrator.builder().repo(repo), repo).start()) {
            dev.agentorchestrator.Session solo = o.await("solo", Duration.ofMinutes(2));
            assertEquals("work/solo", solo.branch());
            assertEquals("demo-agent", solo.agent());
            assertEquals(dir.resolve("trees").resolve("solo").normalize(), solo.worktree().orElseThrow().normalize());
            assertEquals(dev.agentorchestrator.SessionState.READY_TO_MERGE, solo.state());
        }
    }
}
