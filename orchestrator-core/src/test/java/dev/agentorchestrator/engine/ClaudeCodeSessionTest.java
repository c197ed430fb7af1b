package dev.agentorchestrator.engine;

import static dev.agentorchestrator.SessionState.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.agents.ClaudeCodeLauncher;
import dev.agentorchestrator.git.GitCliBackend;
import dev.agentorchestrator.testing.ClaudeCodeExecutable;
import dev.agentorchestrator.testing.FakeAnthropicApi;
import dev.agentorchestrator.testing.FakeAnthropicApi.Reply;
import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions driven by the real Claude Code CLI through the whole engine: worktree, launch, events
 * into the session record, follow-up resume, errors and denials as session states. The model is
 * {@link FakeAnthropicApi} on loopback; sessions run one at a time so the script stays in order.
 */
class ClaudeCodeSessionTest {

    @TempDir
    Path tmp;

    private FakeAnthropicApi api;
    private Orchestrator orchestrator;
    private Path repo;

    @BeforeEach
    void start() throws Exception {
        Path claude = ClaudeCodeExecutable.requireOrSkip();
        api = FakeAnthropicApi.start();
        repo = TestRepos.withCommit(tmp.resolve("repo"));
        Path home = Files.createDirectories(tmp.resolve("home"));
        Orchestrator.Builder builder = Orchestrator.builder().repo(repo).git(new GitCliBackend()).ci(Ci.none())
                .maxParallelSessions(1).stopGrace(Duration.ofSeconds(2))
                .agent(ClaudeCodeLauncher.builder().executable(claude.toString())
                        .allowedTools("Write", "Bash(git add:*)", "Bash(git commit:*)").build())
                .agentEnvironment("HOME", home.toString())
                .agentEnvironment("CLAUDE_CONFIG_DIR", home.resolve(".claude").toString())
                .agentEnvironment("GIT_AUTHOR_NAME", "Claude").agentEnvironment("GIT_AUTHOR_EMAIL", "claude@example.invalid")
                .agentEnvironment("GIT_COMMITTER_NAME", "Claude").agentEnvironment("GIT_COMMITTER_EMAIL", "claude@example.invalid");
        api.environment().forEach(builder::agentEnvironment);
        orchestrator = builder.start();
    }

    @AfterEach
    void stop() {
        if (orchestrator != null) {
            orchestrator.close();
        }
        if (api != null) {
            api.close();
        }
    }

    @Test
    void aSessionWritesAndCommitsItsWorkRecordsTheAgentAndResumesOnAFollowUp() throws Exception {
        api.enqueue(
                Reply.toolUse("Write", "{\"file_path\":\"notes.md\",\"content\":\"# Notes\\n\"}"),
                Reply.toolUse("Bash", "{\"command\":\"git add notes.md\",\"description\":\"Stage the notes\"}"),
                Reply.toolUse("Bash", "{\"command\":\"git commit -m 'Add notes'\",\"description\":\"Commit the notes\"}"),
                Reply.text("The notes are committed."));
        orchestrator.addFeature("notes", "Write notes.md and commit it");
        Session done = orchestrator.await("notes", Duration.ofSeconds(90));

        assertEquals(READY_TO_MERGE, done.state(), done.message() + "\n" + transcript(done));
        Path worktree = done.worktree().orElseThrow();
        assertEquals("# Notes\n", Files.readString(worktree.resolve("notes.md")));
        assertEquals("Add notes", TestRepos.git(repo, "log", "-1", "--format=%s", "feature/notes").trim());
        String sessionId = done.agentSessionId().orElseThrow();
        assertTrue(sessionId.matches("[0-9a-f-]{36}"), sessionId);
        assertTrue(done.costUsd() > 0, "cost recorded: " + done.costUsd());
        assertEquals(4, done.turns());
        assertTrue(transcript(done).contains("\"type\":\"result\""), "the raw stream-json is in the transcript");

        api.enqueue(Reply.text("You asked me to write notes.md."));
        orchestrator.prompt("notes", "What did I ask you to do?");
        Session resumed = orchestrator.await("notes", Duration.ofSeconds(90));
        assertEquals(READY_TO_MERGE, resumed.state(), resumed.message());
        assertTrue(resumed.message().contains("already tested"), "no new commit, so CI is not run again: " + resumed.message());
        assertTrue(transcript(resumed).contains("You asked me to write notes.md."));
        assertEquals(sessionId, resumed.agentSessionId().orElseThrow(), "the conversation continued");
        String resumedCall = api.conversationRequests().get(api.conversationRequests().size() - 1).allText();
        assertTrue(resumedCall.contains("Write notes.md and commit it"), "the earlier turns were sent again");
        assertTrue(resumedCall.contains("What did I ask you to do?"));
    }

    @Test
    void aModelApiErrorFailsTheSessionWithTheMessageAndADenialWaitsForInput() {
        api.enqueue(Reply.error(529, "Overloaded for the test"));
        orchestrator.addFeature("overloaded", "Do anything");
        Session failed = orchestrator.await("overloaded", Duration.ofSeconds(90));
        assertEquals(FAILED, failed.state());
        assertTrue(failed.message().contains("529") && failed.message().contains("Overloaded for the test"), failed.message());

        api.enqueue(Reply.toolUse("Bash", "{\"command\":\"rm -rf build\",\"description\":\"Clean\"}"),
                Reply.text("I was not allowed to clean the build folder."));
        orchestrator.addFeature("denied", "Clean the build folder");
        Session waiting = orchestrator.await("denied", Duration.ofSeconds(90));
        assertEquals(WAITING_FOR_INPUT, waiting.state(), waiting.message());
        assertTrue(waiting.message().contains("Bash"), waiting.message());
        assertEquals(List.of(WAITING_FOR_INPUT), List.of(orchestrator.session("denied").state()));
    }

    private String transcript(Session s) {
        try {
            Path logs = repo.resolve(".git/agent-orchestrator/logs");
            try (var files = Files.list(logs)) {
                return files.filter(p -> p.getFileName().toString().startsWith(s.name())).findFirst()
                        .map(p -> {
                            try {
                                return Files.readString(p);
                            } catch (java.io.IOException e) {
                                return "";
                            }
                        }).orElse("(no transcript)");
            }
        } catch (java.io.IOException e) {
            return "(no transcript: " + e + ")";
        }
    }
}
