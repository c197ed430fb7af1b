package dev.agentorchestrator.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentorchestrator.testing.Await;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
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

    @Test
    void attachResumesTheConversationInTheWorktreeWithTheTerminalsInputAndOutput() throws Exception {
        repo = TestRepos.withCommit(tmp.resolve("repo"));
        Path claude = tmp.resolve("fake-claude");
        Files.writeString(claude, FAKE_CLAUDE);
        Files.setPosixFilePermissions(claude, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(repo.resolve("agent-orchestrator.yaml"), """
                agent:
                  name: claude-code
                  executable: %s
                ci: none
                engine:
                  idleTimeout: 60s
                """.formatted(claude));
        Cli cli = new Cli(repo);
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
        // util-linux's script gives the command a pseudo-terminal; Debian has it in bsdutils, which is always installed.
        Path script = Path.of("/usr/bin/script");
        assumeTrue(Files.isExecutable(script), "needs util-linux's 'script' (/usr/bin/script) for a pseudo-terminal");
        repo = TestRepos.withCommit(tmp.resolve("repo"));
        Path claude = tmp.resolve("fake-claude");
        Files.writeString(claude, FAKE_CLAUDE_ON_A_TERMINAL);
        Files.setPosixFilePermissions(claude, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(repo.resolve("agent-orchestrator.yaml"), """
                agent:
                  name: claude-code
                  executable: %s
                ci: [sh, -c, "test -f attached.txt && echo '1 passed, 0 failed'"]
                engine:
                  idleTimeout: 60s
                """.formatted(claude));
        Cli cli = new Cli(repo);
        cli.run("create", "talk", "--prompt", "Start talking").expect(0);
        cli.run("prompt", "talk", "and go on", "--wait").expect(0);
        JsonNode before = cli.run("status", "--json").expect(0).json().path("sessions").get(0);
        Path worktree = Path.of(before.path("worktree").asText());
        int turnsBefore = before.path("turns").asInt();

        String command = String.join(" ", Cli.javaBinary(), "-jar", Cli.jar().toString(), "attach", "talk");
        Path out = tmp.resolve("terminal.txt");
        Process terminal = new ProcessBuilder(List.of(script.toString(), "-qec", command, "/dev/null")).directory(repo.toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try (OutputStream keyboard = terminal.getOutputStream()) {
            Await.until("the agent asks on the terminal", Duration.ofMinutes(2), () -> read(out).contains("your turn>"));
            keyboard.write("hello from the keyboard\r".getBytes(StandardCharsets.UTF_8));
            keyboard.flush();
            assertTrue(terminal.waitFor(2, TimeUnit.MINUTES), "attach did not end:\n" + read(out));
        } finally {
            terminal.destroyForcibly();
        }
        String screen = read(out);
        assertEquals(0, terminal.exitValue(), screen);
        assertTrue(screen.contains("terminal: yes"), "the agent's input and output are the terminal:\n" + screen);
        assertTrue(screen.contains("interactive --resume conv-7 in " + worktree.toRealPath()), screen);
        assertTrue(screen.contains("the person said: hello from the keyboard"), "the keystrokes reached the agent:\n" + screen);
        assertTrue(screen.contains("is back with the orchestrator"), screen);
        String head = TestRepos.git(worktree, "rev-parse", "HEAD").strip();
        assertTrue(TestRepos.git(worktree, "log", "-1", "--format=%s").contains("attached: hello from the keyboard"));

        // Back with the orchestrator: the commit made while attached gets CI at once, without another turn.
        assertTrue(screen.contains("new commits (now at " + head.substring(0, 12) + "): CI runs on them"), screen);
        Await.until("CI has run on the commit made while attached", Duration.ofMinutes(2), () -> {
            JsonNode ci = cli.run("status", "--json").expect(0).json().path("sessions").get(0).path("ci");
            return ci.path("commit").asText().equals(head) && ci.path("status").asText().equals("PASSED");
        });
        JsonNode session = cli.run("status", "--json").expect(0).json().path("sessions").get(0);
        assertEquals(turnsBefore, session.path("turns").asInt(), "no agent turn was taken for it: " + session.toPrettyString());
        cli.run("shutdown").expect(0);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
