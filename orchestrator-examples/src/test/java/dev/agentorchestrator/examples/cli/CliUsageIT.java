package dev.agentorchestrator.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentorchestrator.testing.TestRepos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands that need no engine: help, usage errors and exit codes, init, doctor, the read-only ones on an empty repository. */
class CliUsageIT {

    private static final List<String> COMMANDS = List.of("init", "create", "prompt", "status", "list", "logs", "stop", "release", "remove",
            "merge", "ci", "forecast", "attach", "cleanup", "doctor", "start", "shutdown", "dashboard", "demo", "completion", "drift", "repair", "plan");

    @TempDir
    Path tmp;

    @Test
    void everyCommandHasHelpAndTheTopLevelListsThemAll() throws Exception {
        Path repo = TestRepos.withCommit(tmp.resolve("repo"));
        Cli cli = new Cli(repo);
        Cli.Result top = cli.run("--help").expect(0);
        for (String command : COMMANDS) {
            assertTrue(top.out().contains("  " + command), "top-level help lists " + command + ":\n" + top.out());
        }
        assertTrue(top.out().contains("Exit codes:"), top.out());
        // Every command's help is checked in-process by MainTest; here a few go through the jar.
        for (String command : List.of("create", "status", "demo")) {
            Cli.Result help = cli.run(command, "--help").expect(0);
            assertTrue(help.out().startsWith("Usage: agent-orchestrator " + command), help.out());
        }
        assertTrue(cli.run("--version").expect(0).out().startsWith("agent-orchestrator "));
    }

    @Test
    void usageErrorsExitWithTwoAndSuggestTheCommandMeant() {
        Cli cli = new Cli(TestRepos.withCommit(tmp.resolve("repo")));
        Cli.Result typo = cli.run("stauts").expect(ExitCodes.USAGE);
        assertTrue(typo.err().contains("Did you mean") && typo.err().contains("status"), typo.err());
        assertTrue(cli.run().expect(ExitCodes.USAGE).err().contains("name a command"));
        assertTrue(cli.run("status", "--jsn").expect(ExitCodes.USAGE).err().contains("--jsn"));
        assertTrue(cli.run("prompt").expect(ExitCodes.USAGE).err().contains("NAME"));
        assertTrue(cli.run("create", "x").expect(ExitCodes.USAGE).err().contains("--prompt"));
        assertTrue(cli.run("init", "--agent", "nobody").expect(ExitCodes.USAGE).err().contains("--agent"));
    }

    @Test
    void mergeAndCiRefuseUnknownSessionsAndBadUsageBeforeAnyEngineStarts() {
        Cli cli = new Cli(TestRepos.withCommit(tmp.resolve("repo")));
        Cli.Result r = cli.run("merge", "auth-api").expect(ExitCodes.NOT_FOUND);
        assertTrue(r.err().contains("no session named 'auth-api'"), r.err());
        assertTrue(cli.run("merge").expect(ExitCodes.USAGE).err().contains("--all"));
        assertTrue(cli.run("merge", "a", "--strategy", "octopus").expect(ExitCodes.USAGE).err().contains("octopus"));
        // ci is there now; an unknown session is refused before any engine starts.
        Cli.Result ci = cli.run("ci", "auth-api").expect(ExitCodes.NOT_FOUND);
        assertTrue(ci.err().contains("no session named 'auth-api'"), ci.err());
    }

    @Test
    void completionIsABashScript() {
        Cli.Result r = new Cli(tmp).run("completion").expect(0);
        assertTrue(r.out().contains("complete -F") && r.out().contains("cleanup"), r.out());
    }

    @Test
    void outsideARepositoryTheCommandsSayWhereTheyLooked() throws Exception {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        Cli.Result r = new Cli(plain).run("status").expect(ExitCodes.FAILURE);
        assertTrue(r.err().contains("not inside a git repository"), r.err());
    }

    @Test
    void initWritesTheConfigOnceAndChecksTheRepository() throws Exception {
        Path repo = TestRepos.withFiles(tmp.resolve("repo"), java.util.Map.of("pom.xml", "<project/>\n"));
        Cli cli = new Cli(repo);
        cli.run("init", "--agent", "demo", "--max-parallel", "2").expect(0);
        String yaml = Files.readString(repo.resolve("agent-orchestrator.yaml"), StandardCharsets.UTF_8);
        assertTrue(yaml.contains("name: demo") && yaml.contains("maxParallelSessions: 2"), yaml);
        assertTrue(yaml.contains("[\"mvn\", \"-q\", \"-B\", \"verify\"]"), "the CI command is detected from pom.xml:\n" + yaml);
        Cli.Result again = cli.run("init").expect(ExitCodes.FAILURE);
        assertTrue(again.err().contains("already exists"), again.err());
        assertEquals(yaml, Files.readString(repo.resolve("agent-orchestrator.yaml"), StandardCharsets.UTF_8));

        Path empty = TestRepos.empty(tmp.resolve("empty"));
        Cli.Result noCommit = new Cli(empty).run("init").expect(ExitCodes.FAILURE);
        assertTrue(noCommit.err().contains("no commit"), noCommit.err());
        assertFalse(Files.exists(empty.resolve("agent-orchestrator.yaml")));
    }

    @Test
    void aBadConfigNamesTheKeyLineAndColumn() throws Exception {
        Path repo = TestRepos.withCommit(tmp.resolve("repo"));
        Files.writeString(repo.resolve("agent-orchestrator.yaml"), "agent: demo\nsetup:\n  copy: [.env]\n  comand: make\n");
        Cli.Result r = new Cli(repo).run("create", "x", "--prompt", "y").expect(ExitCodes.FAILURE);
        assertTrue(r.err().contains("agent-orchestrator.yaml:4:3: setup.comand is not a known key"), r.err());
        Cli.Result doctor = new Cli(repo).run("doctor").expect(ExitCodes.FAILURE);
        assertTrue(doctor.out().contains("FAIL  config"), doctor.out());
        assertFalse(Files.exists(repo.resolve(".git/agent-orchestrator/engine/engine.json")), "no engine was started");
    }

    @Test
    void planAdvisesOnTheConfigsFeaturesWithoutAnEngine() throws Exception {
        Path repo = TestRepos.withCommit(tmp.resolve("repo"));
        Files.writeString(repo.resolve("agent-orchestrator.yaml"), """
                agent: demo
                features:
                  - name: api
                    prompt: Add a route in src/Server.java
                  - name: ui
                    prompt: Show the route, wiring it in src/Server.java
                    dependsOn: [api]
                    dependencyMode: stacked
                """);
        Cli.Result r = new Cli(repo).run("plan").expect(0);
        assertTrue(r.out().contains("Suggested order") && r.out().contains("api") && r.out().contains("ui"), r.out());
        assertFalse(Files.exists(repo.resolve(".git/agent-orchestrator/engine/engine.json")), "no engine was started");
        Files.writeString(repo.resolve("agent-orchestrator.yaml"), "agent: demo\n");
        assertTrue(new Cli(repo).run("plan").expect(0).out().startsWith("No features in agent-orchestrator.yaml"));
    }

    @Test
    void doctorChecksTheSetupAndNamesAMissingAgent() throws Exception {
        Path repo = TestRepos.withCommit(tmp.resolve("repo"));
        Files.writeString(repo.resolve("agent-orchestrator.yaml"), "agent: demo\n");
        Cli.Result ok = new Cli(repo).run("doctor").expect(0);
        assertTrue(ok.out().contains("ok    git") && ok.out().contains("ok    java") && ok.out().contains("ok    agent demo"), ok.out());
        assertTrue(ok.out().contains("not running"), ok.out());
        Files.writeString(repo.resolve("agent-orchestrator.yaml"), "agent:\n  name: claude-code\n  executable: no-such-agent-cli\n");
        Cli.Result missing = new Cli(repo).run("doctor").expect(ExitCodes.FAILURE);
        assertTrue(missing.out().contains("FAIL  agent claude-code") && missing.out().contains("fix:"), missing.out());
    }

    @Test
    void readOnlyCommandsWorkWithoutAnEngineOnAnEmptyRepository() {
        Path repo = TestRepos.withCommit(tmp.resolve("repo"));
        Cli cli = new Cli(repo);
        JsonNode status = cli.run("status", "--json").expect(0).json();
        assertEquals(0, status.path("sessions").size());
        assertTrue(cli.run("status").expect(0).out().contains("No sessions"));
        assertEquals("", cli.run("list").expect(0).out());
        assertTrue(cli.run("logs", "nope").expect(ExitCodes.NOT_FOUND).err().contains("no session named 'nope'"));
        assertTrue(cli.run("remove", "nope").expect(ExitCodes.NOT_FOUND).err().contains("nope"));
        assertTrue(cli.run("shutdown").expect(0).out().contains("no engine"));
        assertTrue(cli.run("cleanup", "--dry-run").expect(0).out().contains("nothing to clean up"));
        assertFalse(java.nio.file.Files.exists(repo.resolve(".git/agent-orchestrator/engine/engine.json")));
    }

    @Test
    void cleanupRemovesMergedLeftoversAndKeepsUnmergedWork() throws Exception {
        Path repo = TestRepos.withCommit(tmp.resolve("repo"));
        TestRepos.git(repo, "branch", "feature/merged-leftover");
        TestRepos.git(repo, "worktree", "add", "-q", "-b", "feature/unmerged", tmp.resolve("wt-unmerged").toString());
        TestRepos.commitFiles(tmp.resolve("wt-unmerged"), java.util.Map.of("work.txt", "work\n"), "unmerged work");
        TestRepos.git(repo, "worktree", "add", "-q", "-b", "feature/dirty", tmp.resolve("wt-dirty").toString());
        Files.writeString(tmp.resolve("wt-dirty").resolve("scratch.txt"), "not committed\n");
        Cli cli = new Cli(repo);

        Cli.Result dry = cli.run("cleanup", "--dry-run").expect(0);
        assertTrue(dry.out().contains("would remove leftover branch feature/merged-leftover"), dry.out());
        assertTrue(dry.out().contains("kept leftover worktree") && dry.out().contains("uncommitted changes"), dry.out());
        assertTrue(dry.out().contains("commits main lacks"), dry.out());
        assertFalse(TestRepos.git(repo, "branch", "--list", "feature/merged-leftover").isBlank(), "a dry run removes nothing");

        cli.run("cleanup").expect(0);
        assertTrue(TestRepos.git(repo, "branch", "--list", "feature/merged-leftover").isBlank());
        assertFalse(TestRepos.git(repo, "branch", "--list", "feature/unmerged").isBlank());
        assertTrue(Files.exists(tmp.resolve("wt-dirty").resolve("scratch.txt")));
    }
}
