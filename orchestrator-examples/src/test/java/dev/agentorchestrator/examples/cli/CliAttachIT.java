package dev.agentorchestrator.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentorchestrator.testing.Await;

import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code attach} with a stand-in for Claude Code: a script that answers {@code -p} like the
 * headless CLI (stream-json with a session id) and {@code --resume ID} like the interactive one
 * (talks on the terminal's stdin and stdout).
 */
class CliAttachIT {

    private static final String FAKE_CLAUDE = """
            #!/bin/sh
            for a in "$@"; do
              if [ "$a" = "-p" ]; then
                echo '{"type":"system","subtype":"init","session_id":"conv-42","model":"stand-in","tools":[]}'
                echo '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"result":"done","session_id":"conv-42","total_cost_usd":0.01}'
                exit 0
              fi
            done
            echo "interactive $* in $(pwd)"
            read line
            echo "the person said: $line"
            """;

    /**
     * The interactive side for the pseudo-terminal test: says whether its input and output are a
     * terminal, asks, and commits what the person typed in the worktree it runs in.
     */
    private static final String FAKE_CLAUDE_ON_A_TERMINAL = """
            #!/bin/sh
            for a in "$@"; do
              if [ "$a" = "-p" ]; then
                echo '{"type":"system","subtype":"init","session_id":"conv-7","model":"stand-in","tools":[]}'
                echo '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"result":"done","session_id":"conv-7","total_cost_usd":0.01}'
                exit 0
              fi
            done
            if [ -t 0 ] && [ -t 1 ]; then echo "terminal: yes"; else echo "terminal: no"; fi
            echo "interactive $* in $(pwd)"
            printf 'your turn> '
            read line
            echo "the person said: $line"
            echo "$line" > attached.txt
            git add attached.txt && git -c user.name=Person -c user.email=person@example.invalid commit -qm "attached: $line"
            """;

    @TempDir
    Path tmp;
    private Path repo;

    @AfterEach
    void endEngine() {
        if (repo != null) {
            Cli.killEngine(repo);
        }
    }

    /** A repository whose agent is {@code script} standing in for Claude Code, with the CI command given; the CLI on it. */
    private Cli withStandIn(String script, String ci) throws java.io.IOException {
        repo = TestRepos.withCommit(tmp.resolve("repo"));
        Path claude = tmp.resolve("fake-claude");
        Files.writeString(claude, script);
        Files.setPosixFilePermissions(claude, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(repo.resolve("agent-orchestrator.yaml"), """
                agent:
                  name: claude-code
                  executable: %s
                ci: %s
                engine:
                  idleTimeout: 60s
                """.formatted(claude, ci));
        return new Cli(repo);
    }

    @Test
    void attachResumesTheConversationInTheWorktreeWithTheTerminalsInputAndOutput() throws Exception {
        Cli cli = withStandIn(FAKE_CLAUDE, "none");
        cli.run("create", "talk", "--prompt", "Start talking").expect(0);
        cli.run("prompt", "talk", "and go on", "--wait").expect(0);

        Cli.Result attached = cli.startWithInput("hello from the terminal\n", "attach", "talk").await(Duration.ofMinutes(2)).expect(0);
        Path worktree = Path.of(cli.run("status", "--json").expect(0).json().path("sessions").get(0).path("worktree").asText());
        assertTrue(attached.out().contains("interactive --resume conv-42 in " + worktree.toRealPath()), attached.out());
        assertTrue(attached.out().contains("the person said: hello from the terminal"), attached.out());
        assertTrue(attached.out().contains("is back with the orchestrator"), attached.out());

        Cli.Result unknown = cli.run("attach", "nope").expect(ExitCodes.NOT_FOUND);
        assertEquals("", unknown.out());
        cli.run("shutdown").expect(0);
    }

    @Test
    void attachThroughARealTerminalReachesTheAgentAndTheSessionGoesOnWithCi() throws Exception {
        PseudoTerminal.assumeAvailable();
        Cli cli = withStandIn(FAKE_CLAUDE_ON_A_TERMINAL, "[sh, -c, \"test -f attached.txt && echo '1 passed, 0 failed'\"]");
        cli.run("create", "talk", "--prompt", "Start talking").expect(0);
        cli.run("prompt", "talk", "and go on", "--wait").expect(0);
        JsonNode before = cli.run("status", "--json").expect(0).json().path("sessions").get(0);
        Path worktree = Path.of(before.path("worktree").asText());
        int turnsBefore = before.path("turns").asInt();

        String command = String.join(" ", Cli.javaBinary(), "-jar", Cli.jar().toString(), "attach", "talk");
        int exit;
        String screen;
        try (PseudoTerminal terminal = PseudoTerminal.start(repo, Map.of(), 100, 40, command, tmp.resolve("terminal.txt"))) {
            terminal.awaitShown("the agent asks on the terminal", "your turn>", 0, Duration.ofMinutes(2));
            // Another terminal prompts the session meanwhile: the prompt waits, no turn starts on the conversation.
            Cli.Result queued = cli.run("prompt", "talk", "queued while attached").expect(0);
            assertTrue(queued.out().contains("talk: the prompt waits; held: handed over: attached at a terminal"), queued.out());
            JsonNode held = cli.run("status", "--json").expect(0).json().path("sessions").get(0);
            assertTrue(held.path("attention").asText().startsWith("held: handed over: attached at a terminal by pid "),
                    held.toPrettyString());
            assertEquals(1, held.path("pendingPrompts").asInt(), held.toPrettyString());
            assertEquals(turnsBefore, held.path("turns").asInt(), held.toPrettyString());
            terminal.type("hello from the keyboard\r");
            exit = terminal.awaitExit(Duration.ofMinutes(2));
            screen = terminal.text();
        }
        assertEquals(0, exit, screen);
        assertTrue(screen.contains("terminal: yes"), "the agent's input and output are the terminal:\n" + screen);
        assertTrue(screen.contains("interactive --resume conv-7 in " + worktree.toRealPath()), screen);
        assertTrue(screen.contains("the person said: hello from the keyboard"), "the keystrokes reached the agent:\n" + screen);
        assertTrue(screen.contains("is back with the orchestrator"), screen);
        String head = TestRepos.git(worktree, "rev-parse", "HEAD").strip();
        assertTrue(TestRepos.git(worktree, "log", "-1", "--format=%s").contains("attached: hello from the keyboard"));

        // Back with the orchestrator: the commit made while attached gets CI, and the prompt that waited runs.
        assertTrue(screen.contains("new commits (now at " + head.substring(0, 12) + "): CI runs on them"), screen);
        assertTrue(screen.contains("1 prompt(s) sent while attached start now"), screen);
        Await.until("CI has run on the commit made while attached, and the waiting prompt's turn", Duration.ofMinutes(2), () -> {
            JsonNode s = cli.run("status", "--json").expect(0).json().path("sessions").get(0);
            return s.path("ci").path("commit").asText().equals(head) && s.path("ci").path("status").asText().equals("PASSED")
                    && s.path("settled").asBoolean() && s.path("turns").asInt() == turnsBefore + 1;
        });
        JsonNode session = cli.run("status", "--json").expect(0).json().path("sessions").get(0);
        assertEquals("", session.path("attention").asText(), "released: " + session.toPrettyString());
        cli.run("shutdown").expect(0);
    }

    @Test
    void anAttachKilledWithoutHandingBackIsReleasedByTheEngineAndReleaseEndsAStaleHold() throws Exception {
        PseudoTerminal.assumeAvailable();
        Cli cli = withStandIn(FAKE_CLAUDE_ON_A_TERMINAL, "none");
        cli.run("create", "talk", "--prompt", "Start talking").expect(0);
        Await.until("the first turn ends", Duration.ofMinutes(2),
                () -> cli.run("status", "--json").expect(0).json().path("sessions").get(0).path("settled").asBoolean());

        String command = String.join(" ", Cli.javaBinary(), "-jar", Cli.jar().toString(), "attach", "talk");
        try (PseudoTerminal terminal = PseudoTerminal.start(repo, Map.of(), 100, 40, command, tmp.resolve("terminal.txt"))) {
            terminal.awaitShown("the agent asks on the terminal", "your turn>", 0, Duration.ofMinutes(2));
            assertTrue(cli.run("status", "--json").expect(0).json().path("sessions").get(0).path("attention").asText()
                    .startsWith("held: handed over:"));
            // The terminal's command line is killed as a closed terminal or kill -9 would: it cannot hand the session back.
            ProcessHandle attach = terminal.processes().filter(p -> p.info().commandLine().orElse("").contains(" attach talk")
                    && p.info().command().orElse("").endsWith("java")).findFirst().orElseThrow();
            attach.destroyForcibly();
            Await.until("the engine releases the hold of the process that ended", Duration.ofMinutes(1),
                    () -> cli.run("status", "--json").expect(0).json().path("sessions").get(0).path("attention").asText().isEmpty());
        }

        // A hold left by an engine that is gone too: the release command ends it.
        cli.run("shutdown").expect(0);
        Path record = repo.resolve(".git/agent-orchestrator/sessions/talk.json");
        JsonNode stored = Cli.JSON.readTree(Files.readString(record));
        ((com.fasterxml.jackson.databind.node.ObjectNode) stored.path("session")).put("attention",
                "held: handed over: attached at a terminal by pid 1 since 00:00; no turn starts until it ends");
        Files.writeString(record, Cli.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(stored));
        cli.run("prompt", "talk", "waits for the release").expect(0);
        JsonNode waiting = cli.run("status", "--json").expect(0).json().path("sessions").get(0);
        assertEquals(1, waiting.path("pendingPrompts").asInt(), waiting.toPrettyString());
        assertEquals(1, waiting.path("turns").asInt(), waiting.toPrettyString());
        Cli.Result released = cli.run("release", "talk").expect(0);
        assertTrue(released.out().contains("talk: released") && released.out().contains("1 prompt(s) start"), released.out());
        Await.until("the prompt that waited runs", Duration.ofMinutes(1), () -> {
            JsonNode s = cli.run("status", "--json").expect(0).json().path("sessions").get(0);
            return s.path("turns").asInt() == 2 && s.path("settled").asBoolean();
        });
        cli.run("release", "nope").expect(ExitCodes.NOT_FOUND);
        cli.run("shutdown").expect(0);
    }
}
