package dev.agentorchestrator.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.testing.ClaudeCodeExecutable;
import dev.agentorchestrator.testing.FakeAnthropicApi;
import dev.agentorchestrator.testing.FakeAnthropicApi.Reply;
import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code doctor}'s agent checks against the real jar: an agent CLI that is not logged in fails
 * the check with the command that fixes it, and the real Claude Code CLI is asked whether it is
 * logged in and, with {@code --live}, sent one prompt through the scripted model server, whose
 * refusal of the key is reported.
 */
class CliDoctorIT {

    @TempDir
    Path tmp;

    /** A stand-in for Claude Code's version and auth status commands. */
    private Path standIn(boolean loggedIn) throws Exception {
        Path claude = tmp.resolve("claude-" + loggedIn);
        Files.writeString(claude, """
                #!/bin/sh
                case "$1" in
                  --version) echo "9.9.9 (Claude Code)"; exit 0 ;;
                  auth) echo "a warning on the way"; echo '{"loggedIn": %s, "authMethod": "%s", "apiKeySource": "ANTHROPIC_API_KEY"}'; exit %d ;;
                esac
                exit 2
                """.formatted(loggedIn, loggedIn ? "api_key" : "none", loggedIn ? 0 : 1));
        Files.setPosixFilePermissions(claude, PosixFilePermissions.fromString("rwx------"));
        return claude;
    }

    private Path repoWithAgent(Path claude) throws Exception {
        Path repo = TestRepos.withCommit(tmp.resolve("repo-" + claude.getFileName()));
        Files.writeString(repo.resolve("agent-orchestrator.yaml"), "agent:\n  name: claude-code\n  executable: " + claude + "\n");
        return repo;
    }

    @Test
    void anAgentThatIsNotLoggedInFailsWithTheCommandThatFixesIt() throws Exception {
        Cli.Result out = new Cli(repoWithAgent(standIn(false))).run("doctor").expect(ExitCodes.FAILURE);
        assertTrue(out.out().contains("ok    agent claude-code") && out.out().contains("9.9.9 (Claude Code)"), out.out());
        assertTrue(out.out().contains("FAIL  agent claude-code login not logged in"), out.out());
        assertTrue(out.out().contains("auth login' (or '") && out.out().contains("or set ANTHROPIC_API_KEY"), out.out());
        assertTrue(out.out().contains("1 problem(s) to fix"), out.out());

        Cli.Result in = new Cli(repoWithAgent(standIn(true))).run("doctor").expect(0);
        assertTrue(in.out().contains("ok    agent claude-code login logged in (api_key from ANTHROPIC_API_KEY)"), in.out());
    }

    @Test
    void theRealClaudeCodeIsAskedAndWithLiveSentOnePrompt() throws Exception {
        Path claude = ClaudeCodeExecutable.requireOrSkip();
        Path repo = repoWithAgent(claude);
        Path home = Files.createDirectories(tmp.resolve("home"));
        try (FakeAnthropicApi api = FakeAnthropicApi.start()) {
            Cli cli = new Cli(repo).env("HOME", home.toString()).env("CLAUDE_CONFIG_DIR", home.resolve(".claude").toString());
            for (Map.Entry<String, String> e : api.environment().entrySet()) {
                cli.env(e.getKey(), e.getValue());
            }
            Cli.Result quiet = cli.run("doctor").expect(0);
            assertTrue(quiet.out().contains("ok    agent claude-code login logged in (api_key from ANTHROPIC_API_KEY)"), quiet.out());
            assertEquals(0, api.conversationRequests().size(), "without --live nothing is sent");

            api.enqueue(Reply.text("OK"));
            Cli.Result live = cli.run("doctor", "--live").expect(0);
            assertTrue(live.out().contains("ok    agent claude-code login answered a test prompt ($"), live.out());
            assertEquals(1, api.conversationRequests().size(), "one prompt was sent");
            assertTrue(api.conversationRequests().get(0).allText().contains("Reply with the single word OK."));

            api.enqueue(Reply.error(401, "invalid x-api-key"));
            Cli.Result refused = cli.run("doctor", "--live").expect(ExitCodes.FAILURE);
            assertTrue(refused.out().contains("FAIL  agent claude-code login a test prompt failed: "), refused.out());
            assertTrue(refused.out().contains("auth login"), refused.out());
        }
    }
}
