package dev.agentorchestrator.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
