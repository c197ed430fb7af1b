package dev.agentorchestrator.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.ClaudeCodeExecutable;
import dev.agentorchestrator.testing.FakeAnthropicApi;
import dev.agentorchestrator.testing.FakeAnthropicApi.RecordedRequest;
import dev.agentorchestrator.testing.FakeAnthropicApi.Reply;
import dev.agentorchestrator.testing.TestRepos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code attach} with the real Claude Code CLI: a headless turn run by the engine, then the
 * interactive TUI on a pseudo-terminal resuming that conversation, a prompt typed on its keyboard,
 * a commit made by its tools, {@code /exit}, and the session back with the orchestrator. The model
 * is {@link FakeAnthropicApi} on loopback; Claude Code gets its own {@code HOME} and
 * {@code CLAUDE_CONFIG_DIR}, so the user's own configuration is never read or written.
 *
 * <p>The TUI's first-run screens are answered in its configuration before it starts, not with
 * keystrokes: onboarding done, the API key approved, the worktree trusted, auto mode off (its
 * safety check would call Anthropic's servers, and it offers itself as the default in a dialog).
 * Hooks in the same settings report each prompt and each turn's end to a file, so the test knows
 * when the interactive turn is over without reading it off the screen.
 */
class CliAttachRealClaudeIT {

    private static final Duration STEP = Duration.ofMinutes(2);
    private static final String HEADLESS_PROMPT = "Remember the code word PINEAPPLE.";
    private static final String HEADLESS_ANSWER = "Noted: the code word is PINEAPPLE.";
    private static final String TYPED_PROMPT = "Write attached.txt and commit it";

    @TempDir
    Path tmp;
    private Path repo;
    private FakeAnthropicApi api;

    @AfterEach
    void cleanUp() {
        if (repo != null) {
            Cli.killEngine(repo);
        }
        if (api != null) {
            api.close();
        }
    }

    @Test
    void attachResumesTheHeadlessConversationInTheRealClaudeCodeTuiAndTheSessionGoesOnAfterExit() throws Exception {
        PseudoTerminal.assumeAvailable();
        Path claude = ClaudeCodeExecutable.requireOrSkip();
        api = FakeAnthropicApi.start();
        repo = TestRepos.withCommit(tmp.resolve("repo"));
        Path configDir = Files.createDirectories(tmp.resolve("home/.claude"));
        Path hookLog = tmp.resolve("hooks.jsonl");
        Map<String, String> env = new HashMap<>(api.environment());
        env.put("HOME", tmp.resolve("home").toString());
        env.put("CLAUDE_CONFIG_DIR", configDir.toString());
        env.put("TERM", "xterm-256color");
        env.putAll(Map.of("GIT_AUTHOR_NAME", "Claude", "GIT_AUTHOR_EMAIL", "claude@example.invalid",
                "GIT_COMMITTER_NAME", "Claude", "GIT_COMMITTER_EMAIL", "claude@example.invalid"));
        writeClaudeSettings(configDir, hookLog);
        writeClaudeState(configDir, env.get("ANTHROPIC_API_KEY"));
        Files.writeString(repo.resolve("agent-orchestrator.yaml"), """
                agent:
                  name: claude-code
                  executable: %s
                ci: [sh, -c, "test -f attached.txt && echo '1 passed, 0 failed'"]
                engine:
                  idleTimeout: 60s
                """.formatted(claude));
        Cli cli = new Cli(repo);
        env.forEach(cli::env);

        // The headless turn, run by the engine the command starts.
        api.enqueue(Reply.text(HEADLESS_ANSWER));
        cli.run("create", "talk", "--prompt", HEADLESS_PROMPT).expect(0);
        JsonNode[] settled = {null};
        Await.until("the headless turn ends with a conversation id", STEP, () -> {
            JsonNode s = cli.run("status", "--json").expect(0).json().path("sessions").get(0);
            settled[0] = s;
            return s.path("settled").asBoolean() && !s.path("agentSessionId").isNull();
        });
        String conversation = settled[0].path("agentSessionId").asText();
        Path worktree = Path.of(settled[0].path("worktree").asText()).toRealPath();
        trust(configDir, worktree);

        // The interactive turn: write a file, commit it, say so.
        api.enqueue(Reply.toolUse("Write", "{\"file_path\":\"" + worktree.resolve("attached.txt") + "\",\"content\":\"typed on the terminal\\n\"}"),
                Reply.toolUse("Bash", "{\"command\":\"git add attached.txt && git commit -m 'Add attached.txt'\",\"description\":\"Commit attached.txt\"}"),
                Reply.text("attached.txt is committed."));
        String attach = String.join(" ", Cli.javaBinary(), "-jar", Cli.jar().toString(), "attach", "talk");
        int exit;
        String shown;
        try (PseudoTerminal terminal = PseudoTerminal.start(repo, env, 100, 40, attach, tmp.resolve("terminal.txt"))) {
            // The first frame: the resumed conversation above an empty input box, and the hint below it.
            int ready = terminal.awaitShown("the TUI shows the resumed conversation", HEADLESS_ANSWER, 0, STEP);
            ready = terminal.awaitShown("the TUI's input box is ready", "? for shortcuts", ready, STEP);
            terminal.type(TYPED_PROMPT);
            int typed = terminal.awaitShown("the typed prompt in the input box", TYPED_PROMPT, ready, STEP);
            // Enter on its own: in the same write as the text the TUI would take it as pasted.
            terminal.type("\r");
            Await.until("the interactive turn ends (its Stop hook)", STEP, () -> hooks(hookLog, "Stop").size() == 2);
            terminal.awaitShown("the TUI is idle again", "? for shortcuts", typed, STEP);
            int idle = terminal.screen().length();
            terminal.type("/exit");
            terminal.awaitShown("/exit in the input box", "/exit", idle, STEP);
            terminal.type("\r");
            exit = terminal.awaitExit(STEP);
            shown = terminal.text();
        }

        assertEquals(0, exit, shown);
        String screen = shown.replaceAll("\\s+", " ");
        assertTrue(screen.contains("attaching to talk in " + worktree), screen);
        assertTrue(screen.contains("--resume " + conversation), screen);
        assertTrue(screen.contains("talk is back with the orchestrator"), screen);

        // Claude Code itself says it resumed that conversation, in the worktree, and got the typed prompt.
        JsonNode start = hooks(hookLog, "SessionStart").get(1);
        assertEquals("resume", start.path("source").asText(), start.toString());
        assertEquals(conversation, start.path("session_id").asText(), start.toString());
        JsonNode typedPrompt = hooks(hookLog, "UserPromptSubmit").get(1);
        assertEquals(TYPED_PROMPT, typedPrompt.path("prompt").asText(), typedPrompt.toString());
        assertEquals(conversation, typedPrompt.path("session_id").asText(), typedPrompt.toString());
        assertEquals(worktree.toString(), typedPrompt.path("cwd").asText(), typedPrompt.toString());

        // And the model saw it: the interactive call carries the headless turn's prompt and answer.
        List<RecordedRequest> calls = api.conversationRequests();
        assertEquals(4, calls.size(), "one headless call, three interactive ones");
        RecordedRequest interactive = calls.get(1);
        assertTrue(interactive.allText().contains(HEADLESS_PROMPT), "the headless prompt is sent again");
        assertTrue(interactive.allText().contains(HEADLESS_ANSWER), "the headless answer is sent again");
        assertTrue(interactive.allText().contains(TYPED_PROMPT));
        assertTrue(interactive.body().path("metadata").path("user_id").asText().contains(conversation),
                interactive.body().path("metadata").toString());

        // The commit made while attached is on the session's branch.
        assertEquals("Add attached.txt", TestRepos.git(repo, "log", "-1", "--format=%s", "feature/talk").strip());
        assertEquals("typed on the terminal\n", Files.readString(worktree.resolve("attached.txt")));
        String head = TestRepos.git(worktree, "rev-parse", "HEAD").strip();

        // Back with the orchestrator: CI runs on the commit made while attached, without another turn.
        assertTrue(screen.contains("new commits (now at " + head.substring(0, 12) + "): CI runs on them"), screen);
        Await.until("CI passes on the commit made while attached", STEP, () -> {
            JsonNode ci = cli.run("status", "--json").expect(0).json().path("sessions").get(0).path("ci");
            return ci.path("commit").asText().equals(head) && ci.path("status").asText().equals("PASSED");
        });
        assertEquals(4, api.conversationRequests().size(), "CI took no agent turn");

        // And a headless follow-up continues the same conversation, attached turn included.
        api.enqueue(Reply.text("Carrying on."));
        cli.run("prompt", "talk", "Carry on", "--wait").expect(0);
        JsonNode session = cli.run("status", "--json").expect(0).json().path("sessions").get(0);
        assertEquals(conversation, session.path("agentSessionId").asText(), session.toPrettyString());
        assertEquals(head, session.path("ci").path("commit").asText(), session.toPrettyString());
        assertEquals("PASSED", session.path("ci").path("status").asText(), session.toPrettyString());
        String followUp = api.conversationRequests().get(4).allText();
        assertTrue(followUp.contains(TYPED_PROMPT) && followUp.contains("attached.txt is committed."), "the attached turn is part of the conversation");
        assertEquals(0, api.unscriptedCalls());
        cli.run("shutdown").expect(0);
    }

    /**
     * User settings: tools the interactive turn needs allowed without a prompt, auto mode off, and
     * hooks that append each event's JSON to {@code hookLog}.
     */
    private static void writeClaudeSettings(Path configDir, Path hookLog) throws IOException {
        ObjectNode settings = Cli.JSON.createObjectNode();
        ObjectNode permissions = settings.putObject("permissions");
        permissions.put("defaultMode", "default").put("disableAutoMode", "disable");
        permissions.putArray("allow").add("Write").add("Bash(git add:*)").add("Bash(git commit:*)");
        ObjectNode hooks = settings.putObject("hooks");
        // Hooks print nothing: what SessionStart and UserPromptSubmit hooks print goes into the conversation.
        String append = "cat >> '" + hookLog + "' && echo >> '" + hookLog + "'";
        for (String event : List.of("SessionStart", "UserPromptSubmit", "Stop")) {
            hooks.putArray(event).addObject().putArray("hooks").addObject().put("type", "command").put("command", append);
        }
        Files.writeString(configDir.resolve("settings.json"), settings.toPrettyString());
    }

    /**
     * Claude Code's own state file ({@code .claude.json} in its config folder) with the first-run
     * screens answered: onboarding done, the auto mode offer seen, and the API key approved (it
     * keeps the key's last 20 characters).
     */
    private static void writeClaudeState(Path configDir, String apiKey) throws IOException {
        ObjectNode state = Cli.JSON.createObjectNode();
        state.put("hasCompletedOnboarding", true).put("hasSeenAutoDefaultNudge", true);
        String key = apiKey.strip();
        ObjectNode responses = state.putObject("customApiKeyResponses");
        responses.putArray("approved").add(key.substring(Math.max(0, key.length() - 20)));
        responses.putArray("rejected");
        Files.writeString(configDir.resolve(".claude.json"), state.toPrettyString());
    }

    /** Marks {@code folder} as trusted, as answering the TUI's "trust this folder" screen would. */
    private static void trust(Path configDir, Path folder) throws IOException {
        Path file = configDir.resolve(".claude.json");
        ObjectNode state = (ObjectNode) Cli.JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        ObjectNode projects = state.has("projects") ? (ObjectNode) state.get("projects") : state.putObject("projects");
        ObjectNode project = projects.has(folder.toString()) ? (ObjectNode) projects.get(folder.toString()) : projects.putObject(folder.toString());
        project.put("hasTrustDialogAccepted", true);
        Files.writeString(file, state.toPrettyString());
    }

    /** The hook events of one kind recorded so far, in order. */
    private static List<JsonNode> hooks(Path hookLog, String event) {
        List<JsonNode> found = new ArrayList<>();
        try {
            if (!Files.exists(hookLog)) {
                return found;
            }
            for (String line : Files.readAllLines(hookLog, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = Cli.JSON.readTree(line);
                } catch (IOException halfWritten) {
                    continue;
                }
                if (node.path("hook_event_name").asText().equals(event)) {
                    found.add(node);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }
}
