package dev.agentorchestrator.examples.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentorchestrator.examples.cli.GitCommand;
import dev.agentorchestrator.examples.cli.SessionView;
import dev.agentorchestrator.examples.cli.config.AgentSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether an agent's CLI can authenticate, for {@code doctor}: the CLI's own status command where
 * it has one ({@code claude auth status}, {@code codex login status}), else the credentials it is
 * documented to read. With {@code live}, Claude Code is also sent one short prompt, which shows
 * that the credentials are accepted (and costs that prompt).
 */
final class AgentAuthCheck {

    /** What the check found: {@code ok}, or not and whether that is certain, with what to do. */
    record Outcome(Verdict verdict, String detail, String fix) {
    }

    enum Verdict { OK, FAILED, UNKNOWN }

    private static final Duration STATUS_LIMIT = Duration.ofSeconds(30);
    private static final Duration PROMPT_LIMIT = Duration.ofSeconds(120);

    private AgentAuthCheck() {
    }

    static Outcome check(AgentSettings agent, String program, boolean live) {
        return switch (agent.name()) {
            case "claude-code" -> {
                Outcome status = claudeStatus(agent, program);
                yield live && status.verdict() != Verdict.FAILED ? claudePrompt(agent, program) : status;
            }
            case "codex" -> {
                GitCommand.Result r = run(agent, List.of(program, "login", "status"), STATUS_LIMIT);
                yield r.ok() ? new Outcome(Verdict.OK, firstLine(r.output()), "")
                        : new Outcome(Verdict.FAILED, "not logged in: " + firstLine(r.output()),
                                "run '" + program + " login', or set OPENAI_API_KEY");
            }
            case "gemini" -> credentials(agent, List.of("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI"),
                    Optional.of(Path.of(System.getProperty("user.home"), ".gemini", "oauth_creds.json")),
                    "run '" + program + "' once and log in with Google, or set GEMINI_API_KEY");
            case "aider" -> credentials(agent, List.of("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY", "DEEPSEEK_API_KEY",
                    "OPENROUTER_API_KEY"), Optional.empty(), "set the API key of the model aider uses (for example ANTHROPIC_API_KEY)"
                    + " in the environment or in agent.environment");
            default -> new Outcome(Verdict.UNKNOWN, "not checked for agent '" + agent.name() + "'", "");
        };
    }

    /** {@code claude auth status --json}: exit 0 and {@code loggedIn} when it has credentials. */
    private static Outcome claudeStatus(AgentSettings agent, String program) {
        GitCommand.Result r = run(agent, List.of(program, "auth", "status", "--json"), STATUS_LIMIT);
        Optional<JsonNode> json = json(r.output());
        if (json.isEmpty() || !json.get().has("loggedIn")) {
            return new Outcome(Verdict.UNKNOWN, "'" + program + " auth status' did not say (" + firstLine(r.output()) + ")",
                    "update Claude Code, or check the first session's transcript");
        }
        JsonNode s = json.get();
        if (!s.path("loggedIn").asBoolean()) {
            return new Outcome(Verdict.FAILED, "not logged in", "run '" + program + " auth login' (or '" + program
                    + "' and /login), or set ANTHROPIC_API_KEY in the environment or in agent.environment");
        }
        String source = s.path("apiKeySource").asText("");
        return new Outcome(Verdict.OK, "logged in (" + s.path("authMethod").asText("?") + (source.isEmpty() ? "" : " from " + source)
                + ")", "");
    }

    /** One short headless prompt: its result says whether the credentials were accepted. */
    private static Outcome claudePrompt(AgentSettings agent, String program) {
        List<String> command = new ArrayList<>(List.of(program, "-p", "Reply with the single word OK.", "--output-format", "json",
                "--max-turns", "1"));
        agent.model().ifPresent(m -> command.addAll(List.of("--model", m)));
        Path scratch;
        try {
            // Outside the repository: the prompt must not read its CLAUDE.md or leave a conversation in its project.
            scratch = Files.createTempDirectory("agent-orchestrator-doctor");
        } catch (IOException e) {
            return new Outcome(Verdict.UNKNOWN, "cannot make a scratch folder for the prompt: " + e.getMessage(), "");
        }
        try {
            GitCommand.Result r = GitCommand.run(scratch, command, PROMPT_LIMIT, agent.environment());
            Optional<JsonNode> json = json(r.output());
            if (json.isPresent() && json.get().has("is_error") && !json.get().path("is_error").asBoolean()) {
                return new Outcome(Verdict.OK, "answered a test prompt (" + String.format(java.util.Locale.ROOT, "$%.4f",
                        json.get().path("total_cost_usd").asDouble()) + ")", "");
            }
            String why = json.map(j -> j.path("result").asText("")).filter(t -> !t.isBlank()).orElse(firstLine(r.output()));
            return new Outcome(Verdict.FAILED, "a test prompt failed: " + why, "check the key or log in again ('" + program
                    + " auth login'); ANTHROPIC_BASE_URL, if set, must point at the API");
        } finally {
            try (java.util.stream.Stream<Path> files = Files.walk(scratch)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            } catch (IOException | RuntimeException leftInTemp) {
                // A scratch folder left in the temporary directory is harmless.
            }
        }
    }

    private static Outcome credentials(AgentSettings agent, List<String> variables, Optional<Path> file, String fix) {
        for (String v : variables) {
            String value = agent.environment().getOrDefault(v, System.getenv(v));
            if (value != null && !value.isBlank()) {
                return new Outcome(Verdict.OK, v + " is set (whether it is accepted shows on the first run)", "");
            }
        }
        if (file.isPresent() && Files.isRegularFile(file.get())) {
            return new Outcome(Verdict.OK, "credentials in " + file.get(), "");
        }
        return new Outcome(Verdict.UNKNOWN, "no credentials found (" + String.join(", ", variables) + " unset"
                + file.map(f -> ", no " + f).orElse("") + ")", fix);
    }

    private static GitCommand.Result run(AgentSettings agent, List<String> command, Duration limit) {
        return GitCommand.run(Path.of("").toAbsolutePath(), command, limit, agent.environment());
    }

    /** The JSON object in a command's output, which may have warnings around it. */
    private static Optional<JsonNode> json(String output) {
        int start = output.indexOf('{');
        int end = output.lastIndexOf('}');
        if (start < 0 || end < start) {
            return Optional.empty();
        }
        try {
            return Optional.of(SessionView.JSON.readTree(output.substring(start, end + 1)));
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse("(no output)");
    }
}
