package dev.agentorchestrator.agents;

import static dev.agentorchestrator.agents.CommandStandIn.TRICKY_PROMPT;
import static dev.agentorchestrator.agents.CommandStandIn.assertMentions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.AgentLaunchException;
import dev.agentorchestrator.agents.CommandStandIn.Run;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.spi.AgentExit.Outcome;
import dev.agentorchestrator.spi.AgentListener;
import dev.agentorchestrator.spi.AgentRequest;
import dev.agentorchestrator.spi.Workspace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLauncherTest {
    @TempDir
    Path tmp;
    Path worktree;
    CommandStandIn agent;

    @BeforeEach
    void setUp() throws Exception {
        worktree = Files.createDirectories(tmp.resolve("worktree"));
        agent = CommandStandIn.create(tmp, "my-agent");
    }

    @Test
    void thePromptReplacesThePlaceholderInsideAnArgument() throws Exception {
        agent.printing("working");

        CommandStandIn.run(CommandLauncher.of(agent.path(), "--task={prompt}", "--verbose"), worktree, "Add a greeting");

        assertEquals(List.of("--task=Add a greeting", "--verbose"), agent.argv());
        assertEquals(0, agent.stdin().length, "stdin is closed at once");
        assertEquals(worktree.toRealPath(), agent.workingDirectory());
    }

    @Test
    void withoutAPlaceholderThePromptGoesToStdin() {
        agent.printing("working");
        CommandLauncher launcher = CommandLauncher.of(agent.path(), "--batch");
        assertTrue(launcher.promptOnStdin());

        CommandStandIn.run(launcher, worktree, TRICKY_PROMPT);

        assertEquals(List.of("--batch"), agent.argv());
        assertArrayEquals(TRICKY_PROMPT.getBytes(StandardCharsets.UTF_8), agent.stdin());
    }

    @Test
    void promptOnStdinWinsOverThePlaceholder() {
        agent.printing("working");
        CommandLauncher launcher = CommandLauncher.builder().command(agent.path(), "--task", "{prompt}").promptOnStdin().build();

        CommandStandIn.run(launcher, worktree, "Add a greeting");

        assertEquals(List.of("--task", ""), agent.argv());
        assertEquals("Add a greeting", new String(agent.stdin(), StandardCharsets.UTF_8));
    }

    @Test
    void sessionAndWorktreePlaceholdersAreReplacedButNotInsideThePrompt() throws Exception {
        agent.printing("working");
        CommandLauncher launcher = CommandLauncher.of(agent.path(), "{session}", "{worktree}/src", "{prompt}");

        CommandStandIn.run(launcher, worktree, "literally {worktree} and {session} and $(echo no)");

        assertEquals(List.of("feature-x", worktree.toAbsolutePath() + "/src", "literally {worktree} and {session} and $(echo no)"),
                agent.argv());
    }

    @Test
    void environmentNameAndResumeIdReachTheCommand() {
        agent.printing("working");
        CommandLauncher launcher = CommandLauncher.builder().command(agent.path(), "{prompt}").name("demo-agent")
                .environment("DEMO_MODE", "offline").environment(Map.of("DEMO_SPEED", "fast")).build();

        Run run = CommandStandIn.run(launcher, worktree, "go", Optional.of("feature-x"), Map.of("FROM_REQUEST", "yes"));

        assertEquals("demo-agent", launcher.name());
        Map<String, String> env = agent.environment();
        assertEquals("offline", env.get("DEMO_MODE"));
        assertEquals("fast", env.get("DEMO_SPEED"));
        assertEquals("yes", env.get("FROM_REQUEST"));
        assertEquals("feature-x", env.get(CommandLauncher.RESUME_SESSION_VARIABLE));
        assertEquals(Outcome.DONE, run.exit().outcome());
    }

    @Test
    void aFreshRunHasNoResumeVariable() {
        agent.printing("working");

        CommandStandIn.run(CommandLauncher.of(agent.path(), "{prompt}"), worktree, "go");

        assertFalse(agent.environment().containsKey(CommandLauncher.RESUME_SESSION_VARIABLE));
    }

    @Test
    void everyStdoutLineIsAssistantTextAndExitZeroIsDone() {
        agent.printing("Reading the code", "", "Wrote src/hello.py").printingOnStderr("debug: ignored");

        Run run = CommandStandIn.run(CommandLauncher.of(agent.path(), "{prompt}"), worktree, "go");

        assertEquals(Outcome.DONE, run.exit().outcome());
        assertEquals(List.of(new AgentEvent.Started("feature-x", Optional.empty(), List.of()),
                new AgentEvent.AssistantText("Reading the code"), new AgentEvent.AssistantText("Wrote src/hello.py")), run.events());
        assertTrue(run.recorder().output.contains("stderr: debug: ignored"));
    }

    @Test
    void aNonZeroExitFailsWithTheLastStderrLines() {
        agent.printing("starting").printingOnStderr("1", "2", "3", "4", "5", "6", "fatal: no model configured").exitingWith(3);

        Run run = CommandStandIn.run(CommandLauncher.of(agent.path(), "{prompt}"), worktree, "go");

        assertEquals(Outcome.FAILED, run.exit().outcome());
        assertEquals(3, run.exit().exitCode());
        assertEquals("command exited with code 3: 3 | 4 | 5 | 6 | fatal: no model configured", run.exit().message());
    }

    @Test
    void aLastLineMatchingTheWaitingPatternLeavesTheRunWaiting() {
        agent.printing("Looked at the schema", "QUESTION: Postgres or SQLite?");
        CommandLauncher launcher = CommandLauncher.builder().command(agent.path(), "{prompt}").waitingPattern("^QUESTION: ").build();

        Run run = CommandStandIn.run(launcher, worktree, "go");

        assertEquals(Outcome.WAITING_FOR_INPUT, run.exit().outcome());
        assertEquals("QUESTION: Postgres or SQLite?", run.exit().message());
        assertEquals(new AgentEvent.Question("QUESTION: Postgres or SQLite?"), run.recorder().only(AgentEvent.Question.class));
    }

    @Test
    void aQuestionFollowedByMoreWorkIsDone() {
        agent.printing("QUESTION: Postgres or SQLite?", "Chose Postgres myself", "Done");
        CommandLauncher launcher = CommandLauncher.builder().command(agent.path(), "{prompt}").waitingPattern("^QUESTION: ").build();

        assertEquals(Outcome.DONE, CommandStandIn.run(launcher, worktree, "go").exit().outcome());
    }

    @Test
    void aPromptWithShellSyntaxArrivesByteForByteInAnArgument() {
        agent.printing("ok");

        CommandStandIn.run(CommandLauncher.of(agent.path(), "{prompt}"), worktree, TRICKY_PROMPT);

        assertArrayEquals(TRICKY_PROMPT.getBytes(StandardCharsets.UTF_8), agent.argumentBytes(0));
    }

    @Test
    void aLongPromptOnStdinWorks() {
        agent.printing("ok");
        String prompt = CommandStandIn.longPrompt(250_000);

        Run run = CommandStandIn.run(CommandLauncher.of(agent.path()), worktree, prompt);

        assertEquals(Outcome.DONE, run.exit().outcome());
        assertArrayEquals(prompt.getBytes(StandardCharsets.UTF_8), agent.stdin());
    }

    @Test
    void aLongPromptForAnArgumentIsRefusedWithTheLimitAndTheFix() {
        CommandLauncher launcher = CommandLauncher.of(agent.path(), "{prompt}");

        AgentLaunchException e = assertThrows(AgentLaunchException.class, () -> launcher.launch(
                AgentRequest.of("feature-x", Workspace.of(worktree), CommandStandIn.longPrompt(100_001), AgentListener.ignoring())));

        assertMentions(e.getMessage(), "100001", "100000", "promptOnStdin()", "feature-x");
        assertFalse(Files.exists(agent.dir.resolve("argv")), "nothing was started");
    }

    @Test
    void aPromptTheArgumentEncodingCannotCarryIsRefusedWithTheFix() {
        CommandLauncher launcher = CommandLauncher.of(agent.path(), "{prompt}");
        String saved = System.getProperty("sun.jnu.encoding");
        System.setProperty("sun.jnu.encoding", "ANSI_X3.4-1968");
        try {
            AgentLaunchException e = assertThrows(AgentLaunchException.class,
                    () -> launcher.launch(AgentRequest.of("feature-x", Workspace.of(worktree), "héllo", AgentListener.ignoring())));
            assertMentions(e.getMessage(), "US-ASCII", "LANG=C.UTF-8", "promptOnStdin()");
        } finally {
            System.setProperty("sun.jnu.encoding", saved);
        }
    }

    @Test
    void stopEndsTheAgentAndTheProcessesItStarted() {
        assertEquals(Outcome.STOPPED, CommandStandIn.stopKillsTree(CommandLauncher.of(agent.path(), "{prompt}"), agent, worktree).outcome());
    }

    @Test
    void aMissingExecutableIsALaunchErrorNamingIt() {
        CommandLauncher launcher = CommandLauncher.of(tmp.resolve("no-such-agent").toString(), "{prompt}");

        AgentLaunchException e = assertThrows(AgentLaunchException.class,
                () -> launcher.launch(AgentRequest.of("feature-x", Workspace.of(worktree), "go", AgentListener.ignoring())));

        assertMentions(e.getMessage(), "no-such-agent", "PATH");
    }

    @Test
    void aCommandIsRequired() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> CommandLauncher.builder().build());
        assertMentions(e.getMessage(), "command(");
    }

    @Test
    void newBuilderKeepsEverySetting() {
        CommandLauncher original = CommandLauncher.builder().command("agent", "{prompt}").name("n").waitingPattern("\\?$")
                .promptOnStdin().build();

        CommandLauncher copy = original.newBuilder().build();

        assertEquals(original.commandTemplate(), copy.commandTemplate());
        assertEquals("n", copy.name());
        assertTrue(copy.promptOnStdin());
        assertEquals("\\?$", copy.waitingPattern().orElseThrow().pattern());
        assertFalse(CommandLauncher.of("agent", "{prompt}").newBuilder().build().promptOnStdin());
    }
}
