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
import dev.agentorchestrator.agents.CodexLauncher.SandboxMode;
import dev.agentorchestrator.agents.CommandStandIn.Run;
import dev.agentorchestrator.spi.AgentExit.Outcome;
import dev.agentorchestrator.spi.AgentRequest;
import dev.agentorchestrator.spi.Workspace;
import dev.agentorchestrator.spi.AgentListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodexLauncherTest {
    @TempDir
    Path tmp;
    Path worktree;
    CommandStandIn codex;

    @BeforeEach
    void setUp() throws Exception {
        worktree = java.nio.file.Files.createDirectories(tmp.resolve("worktree"));
        codex = CommandStandIn.create(tmp, "codex");
    }

    private CodexLauncher launcher() {
        return CodexLauncher.builder().executable(codex.path()).build();
    }

    @Test
    void defaultCommandLineRunsExecWithJsonInAWritableSandbox() throws Exception {
        codex.printingResource("codex/success.jsonl");

        CommandStandIn.run(launcher(), worktree, "Add a greeting");

        assertEquals(List.of("exec", "--json", "--sandbox", "workspace-write", "Add a greeting"), codex.argv());
        assertEquals(worktree.toRealPath(), codex.workingDirectory());
        assertEquals(0, codex.stdin().length, "a prompt that fits in an argument is not sent on stdin");
    }

    @Test
    void everyOptionAppearsOnTheCommandLineInOrder() {
        codex.printingResource("codex/success.jsonl");
        CodexLauncher launcher = CodexLauncher.builder().executable(codex.path()).model("gpt-5-codex")
                .sandbox(SandboxMode.READ_ONLY).skipGitRepoCheck(true).config("model_reasoning_effort", "high")
                .config("approval_policy", "never").extraArgs("--color", "never").environment("CODEX_HOME", "/tmp/codex-home").build();

        CommandStandIn.run(launcher, worktree, "Review the change");

        assertEquals(List.of("exec", "--json", "--model", "gpt-5-codex", "--sandbox", "read-only", "--skip-git-repo-check",
                "-c", "model_reasoning_effort=high", "-c", "approval_policy=never", "--color", "never", "Review the change"), codex.argv());
        assertEquals("/tmp/codex-home", codex.environment().get("CODEX_HOME"));
    }

    @Test
    void bypassReplacesTheSandboxFlag() {
        codex.printingResource("codex/success.jsonl");

        CommandStandIn.run(launcher().newBuilder().bypassApprovalsAndSandbox(true).build(), worktree, "go");

        assertEquals(List.of("exec", "--json", "--dangerously-bypass-approvals-and-sandbox", "go"), codex.argv());
    }

    @Test
    void resumePutsTheThreadIdAfterTheOptions() {
        codex.printingResource("codex/success.jsonl");

        CommandStandIn.run(launcher().newBuilder().model("gpt-5").build(), worktree, "Fix the use-after-free",
                Optional.of("0199a213-81c0-7800-8aa1-bbab2a035a53"), Map.of());

        assertEquals(List.of("exec", "--json", "--model", "gpt-5", "--sandbox", "workspace-write",
                "resume", "0199a213-81c0-7800-8aa1-bbab2a035a53", "Fix the use-after-free"), codex.argv());
    }

    @Test
    void aSuccessfulTurnBecomesEventsAndDone() {
        codex.printingResource("codex/success.jsonl");

        Run run = CommandStandIn.run(launcher(), worktree, "Is there a README?");

        assertEquals(Outcome.DONE, run.exit().outcome());
        assertEquals("", run.exit().message());
        List<AgentEvent> events = run.events();
        assertEquals(new AgentEvent.Started("0199a213-81c0-7800-8aa1-bbab2a035a53", Optional.empty(), List.of()), events.get(0));
        assertEquals(new AgentEvent.Raw("item.reasoning",
                "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_0\",\"type\":\"reasoning\",\"text\":\"**Searching for README files**\"}}"), events.get(1));
        assertEquals(new AgentEvent.ToolUse("item_1", "command_execution", "{\"command\":\"bash -lc ls\"}", "bash -lc ls"), events.get(2));
        assertEquals(new AgentEvent.ToolResult("item_1", false, "AGENTS.md\nREADME.md\n"), events.get(3));
        assertEquals(new AgentEvent.Progress(1, 3, "Add greeting"), events.get(4));
        assertEquals(new AgentEvent.ToolUse("item_3", "file_change",
                "[{\"path\":\"src/hello.py\",\"kind\":\"add\"},{\"path\":\"README.md\",\"kind\":\"update\"}]", "add src/hello.py, update README.md"), events.get(5));
        assertEquals(new AgentEvent.ToolResult("item_3", false, "add src/hello.py, update README.md"), events.get(6));
        assertEquals(new AgentEvent.AssistantText("Yep — there’s a `README.md` in the repository root."), events.get(7));
        assertEquals("thread.archived", ((AgentEvent.Raw) events.get(8)).type());
        AgentEvent.TurnFinished turn = (AgentEvent.TurnFinished) events.get(9);
        assertFalse(turn.error());
        assertEquals("Yep — there’s a `README.md` in the repository root.", turn.text());
        assertEquals(10, events.size(), "the line that is not JSON is skipped: " + events);
        assertTrue(run.recorder().output.contains("stdout: this line is not JSON and is skipped"), "it still reaches the transcript");
    }

    @Test
    void aFailedTurnFailsTheRunWithCodexsMessage() {
        codex.printingResource("codex/failure.jsonl").printingOnStderr("Reading prompt from stdin...").exitingWith(1);

        Run run = CommandStandIn.run(launcher(), worktree, "go");

        assertEquals(Outcome.FAILED, run.exit().outcome());
        assertEquals(1, run.exit().exitCode());
        assertEquals("unexpected status 401 Unauthorized: Incorrect API key provided", run.exit().message());
        AgentEvent.TurnFinished turn = run.recorder().only(AgentEvent.TurnFinished.class);
        assertTrue(turn.error());
        assertEquals(new AgentEvent.Raw("error", "{\"type\":\"error\",\"message\":\"Reconnecting... 1/5\"}"),
                run.recorder().only(AgentEvent.Raw.class));
    }

    @Test
    void aCrashWithoutEventsFailsWithTheLastStderrLines() {
        codex.printingOnStderr("Error: unexpected argument '--bogus' found", "Usage: codex exec [OPTIONS] [PROMPT]").exitingWith(2);

        Run run = CommandStandIn.run(launcher(), worktree, "go");

        assertEquals(Outcome.FAILED, run.exit().outcome());
        assertEquals("codex exited with code 2: Error: unexpected argument '--bogus' found | Usage: codex exec [OPTIONS] [PROMPT]",
                run.exit().message());
    }

    @Test
    void aQuestionLeavesTheRunWaitingForInput() {
        codex.printingResource("codex/question.jsonl");

        Run run = CommandStandIn.run(launcher(), worktree, "Build the service");

        assertEquals(Outcome.WAITING_FOR_INPUT, run.exit().outcome());
        assertEquals("Which database should the service use?", run.exit().message());
        assertEquals(new AgentEvent.Question("Which database should the service use?"), run.recorder().only(AgentEvent.Question.class));
    }

    @Test
    void aPromptWithShellSyntaxArrivesByteForByte() {
        codex.printingResource("codex/success.jsonl");

        CommandStandIn.run(launcher(), worktree, TRICKY_PROMPT);

        List<String> argv = codex.argv();
        assertArrayEquals(TRICKY_PROMPT.getBytes(StandardCharsets.UTF_8), codex.argumentBytes(argv.size() - 1));
    }

    @Test
    void aPromptTooLongForAnArgumentGoesToStdinAsDash() {
        codex.printingResource("codex/success.jsonl");
        String prompt = CommandStandIn.longPrompt(150_000);

        Run run = CommandStandIn.run(launcher(), worktree, prompt);

        assertEquals(Outcome.DONE, run.exit().outcome());
        assertEquals(List.of("exec", "--json", "--sandbox", "workspace-write", "-"), codex.argv());
        assertArrayEquals(prompt.getBytes(StandardCharsets.UTF_8), codex.stdin());
    }

    @Test
    void aPromptTheArgumentEncodingCannotCarryGoesToStdin() {
        // Under a C or POSIX locale the JVM encodes arguments as ASCII and turns "é" into "?".
        codex.printingResource("codex/success.jsonl");
        String saved = System.getProperty("sun.jnu.encoding");
        System.setProperty("sun.jnu.encoding", "ANSI_X3.4-1968");
        try {
            CommandStandIn.run(launcher(), worktree, "Écris « bonjour »");
        } finally {
            System.setProperty("sun.jnu.encoding", saved);
        }

        assertEquals("-", codex.argv().get(codex.argv().size() - 1));
        assertEquals("Écris « bonjour »", new String(codex.stdin(), StandardCharsets.UTF_8));
    }

    @Test
    void stopEndsTheAgentAndTheProcessesItStarted() {
        assertEquals(Outcome.STOPPED, CommandStandIn.stopKillsTree(launcher(), codex, worktree).outcome());
    }

    @Test
    void aMissingExecutableIsALaunchErrorNamingItAndHowToInstall() {
        CodexLauncher launcher = CodexLauncher.builder().executable(tmp.resolve("no-such-codex").toString()).build();

        AgentLaunchException e = assertThrows(AgentLaunchException.class,
                () -> launcher.launch(AgentRequest.of("feature-x", Workspace.of(worktree), "go", AgentListener.ignoring())));

        assertMentions(e.getMessage(), "no-such-codex", "npm install -g @openai/codex", "feature-x");
    }

    @Test
    void defaultsFindCodexOnThePathBelowClaudeCode() {
        CodexLauncher launcher = new CodexLauncher();
        assertEquals("codex", launcher.name());
        assertTrue(launcher.priority() < 100, "below Claude Code's 100");
        assertEquals("codex", launcher.command(AgentRequest.of("s", Workspace.of(worktree), "p", AgentListener.ignoring())).get(0));
    }
}
