package dev.agentorchestrator.examples.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An offline stand-in for Claude Code: it takes the same arguments ({@code -p PROMPT
 * --output-format stream-json --verbose [--resume ID]}), prints the same stream-json events, and
 * really edits and commits files in its working folder, with pauses between steps so that a
 * dashboard has something to show. No network, no model, no cost.
 *
 * <p>Its script, by prompt (keywords are whole words in capitals):
 * <ul>
 *   <li>any prompt: plan three tasks, write {@code features/<name>.md} with the prompt, write
 *       {@code src/<name>.txt}, commit; the agent's task list shows progress 0/3 to 3/3;</li>
 *   <li>a prompt that names files of the repository (such as {@code src/routes.txt}): also
 *       appends a line for the feature to each of them;</li>
 *   <li>a prompt containing {@code TODO}: the implementation keeps a {@code TODO} line, which the
 *       demo project's test rejects;</li>
 *   <li>a prompt containing {@code ASK}: does the work, then ends its turn with a question
 *       (the session waits for input);</li>
 *   <li>a prompt containing {@code FAIL}: reports an error result (the session fails);</li>
 *   <li>a resumed conversation whose prompt starts with {@code The project's tests failed} (the
 *       orchestrator's CI-failure reaction): finishes the {@code TODO} lines of the files the
 *       prompt names (of every {@code src/} file when it names none) and commits the fix;</li>
 *   <li>any other resumed conversation ({@code --resume ID}): appends the prompt to
 *       {@code NOTES.md} and commits it.</li>
 * </ul>
 * The pause between steps is {@code DEMO_AGENT_STEP_MILLIS} (default 400).
 */
public final class DemoAgent {

    /** How the orchestrator's default CI-failure reaction starts its follow-up prompt. */
    static final String CI_FAILURE_PROMPT = "The project's tests failed";
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*\\.[A-Za-z0-9]+");

    private final Path dir;
    private final String sessionId;
    private final long stepMillis;
    private final long started = System.currentTimeMillis();
    private int toolIds;

    private DemoAgent(Path dir, String sessionId, long stepMillis) {
        this.dir = dir;
        this.sessionId = sessionId;
        this.stepMillis = stepMillis;
    }

    public static void main(String[] args) throws Exception {
        String prompt = null;
        String resume = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-p", "--print" -> {
                    if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                        prompt = args[++i];
                    }
                }
                case "--resume" -> resume = args[++i];
                default -> { }
            }
        }
        if (prompt == null) {
            prompt = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        long step = Long.parseLong(System.getenv().getOrDefault("DEMO_AGENT_STEP_MILLIS", "400"));
        DemoAgent agent = new DemoAgent(Path.of("").toAbsolutePath(), resume != null ? resume : UUID.randomUUID().toString(), step);
        System.exit(resume != null ? agent.followUp(prompt) : agent.firstTurn(prompt));
    }

    private int firstTurn(String prompt) throws Exception {
        String name = dir.getFileName().toString();
        init();
        text("I'll plan the work for '" + name + "' first.");
        todos(0, "Describe the feature", "Write the implementation", "Commit the work");
        pause();
        String doc = "features/" + name + ".md";
        write(doc, "# " + name + "\n\n" + prompt + "\n");
        todos(1, "Describe the feature", "Write the implementation", "Commit the work");
        pause();
        if (hasKeyword(prompt, "FAIL")) {
            result(true, "The demo agent was told to fail: " + prompt);
            return 1;
        }
        String implementation = "implementation of " + name + "\n";
        if (hasKeyword(prompt, "TODO")) {
            implementation += "rounding of amounts: TODO round to cents\n";
        }
        write("src/" + name + ".txt", implementation);
        for (Path shared : filesNamedIn(prompt)) {
            String before = Files.readString(shared, StandardCharsets.UTF_8);
            write(dir.relativize(shared).toString(), before + String.format(Locale.ROOT, "%-14s %s%n", "/" + name, name));
        }
        todos(2, "Describe the feature", "Write the implementation", "Commit the work");
        pause();
        bash("git add -A && git commit -m \"" + name + ": " + firstLine(prompt) + "\"", name + ": " + firstLine(prompt));
        todos(3, "Describe the feature", "Write the implementation", "Commit the work");
        pause();
        if (hasKeyword(prompt, "ASK")) {
            String question = "I wrote and committed the first version of '" + name + "'. Should I also add tests for it?";
            text(question);
            result(false, question);
            return 0;
        }
        String summary = "Done: '" + name + "' is described in " + doc + " and committed.";
        text(summary);
        result(false, summary);
        return 0;
    }

    private int followUp(String prompt) throws Exception {
        init();
        if (prompt.startsWith(CI_FAILURE_PROMPT)) {
            return fixTests(prompt);
        }
        text("Continuing where we left off.");
        pause();
        Path notes = dir.resolve("NOTES.md");
        String before = Files.exists(notes) ? Files.readString(notes) : "# Notes\n";
        write("NOTES.md", before + "\n- " + firstLine(prompt) + "\n");
        pause();
        bash("git add -A && git commit -m \"notes\"", "notes: " + firstLine(prompt));
        result(false, "Noted: " + firstLine(prompt));
        return 0;
    }

    /** Finishes every TODO line of the files the failure names, the way an agent would after reading it. */
    private int fixTests(String prompt) throws Exception {
        text("The tests failed; I'll read the failures and fix them.");
        todos(0, "Read the failing tests", "Fix the cause", "Commit the fix");
        pause();
        List<Path> named = filesNamedIn(prompt);
        if (named.isEmpty() && Files.isDirectory(dir.resolve("src"))) {
            try (Stream<Path> files = Files.list(dir.resolve("src"))) {
                named = files.filter(Files::isRegularFile).sorted().toList();
            }
        }
        todos(1, "Read the failing tests", "Fix the cause", "Commit the fix");
        List<String> fixed = new ArrayList<>();
        for (Path file : named) {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            if (content.contains("TODO")) {
                write(dir.relativize(file).toString(), content.replace("TODO ", "done: "));
                fixed.add(dir.relativize(file).toString().replace('\\', '/'));
            }
        }
        pause();
        todos(2, "Read the failing tests", "Fix the cause", "Commit the fix");
        if (fixed.isEmpty()) {
            result(false, "I found nothing unfinished in the files the failure names; please have a look.");
            return 0;
        }
        bash("git add -A && git commit -m \"fix: finish " + String.join(", ", fixed) + "\"", "fix: finish " + String.join(", ", fixed));
        todos(3, "Read the failing tests", "Fix the cause", "Commit the fix");
        pause();
        String summary = "Fixed the failing tests: finished the TODO in " + String.join(", ", fixed) + " and committed.";
        text(summary);
        result(false, summary);
        return 0;
    }

    /** Files of the working folder the prompt names by their relative path, like {@code src/routes.txt}. */
    private List<Path> filesNamedIn(String prompt) {
        List<Path> found = new ArrayList<>();
        Matcher m = FILE_NAME.matcher(prompt);
        while (m.find()) {
            Path file = dir.resolve(m.group()).normalize();
            if (file.startsWith(dir) && Files.isRegularFile(file) && !found.contains(file)) {
                found.add(file);
            }
        }
        return found;
    }

    private static boolean hasKeyword(String prompt, String keyword) {
        return Pattern.compile("\\b" + keyword + "\\b").matcher(prompt).find();
    }

    private void init() {
        emit("{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":" + json(sessionId) + ",\"cwd\":" + json(dir.toString())
                + ",\"model\":\"demo-offline\",\"tools\":[\"Write\",\"Bash\",\"TodoWrite\"],\"permissionMode\":\"default\"}");
    }

    private void text(String text) {
        emit("{\"type\":\"assistant\",\"session_id\":" + json(sessionId) + ",\"message\":{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":"
                + json(text) + "}]}}");
    }

    private void todos(int done, String... tasks) {
        StringBuilder list = new StringBuilder("[");
        for (int i = 0; i < tasks.length; i++) {
            String status = i < done ? "completed" : i == done ? "in_progress" : "pending";
            list.append(i == 0 ? "" : ",").append("{\"content\":").append(json(tasks[i])).append(",\"status\":\"")
                    .append(status).append("\",\"activeForm\":").append(json(tasks[i])).append('}');
        }
        toolUse("TodoWrite", "{\"todos\":" + list.append(']') + "}", "Todos have been modified successfully");
    }

    private void write(String file, String content) throws IOException {
        Path target = dir.resolve(file);
        Files.createDirectories(target.getParent());
        Files.writeString(target, content, StandardCharsets.UTF_8);
        toolUse("Write", "{\"file_path\":" + json(target.toString()) + ",\"content\":" + json(content) + "}",
                "File created successfully at: " + target);
    }

    /** Runs git commands, with the git binary when there is one and JGit otherwise (a JDK-only machine). */
    private void bash(String shown, String message) throws Exception {
        String output;
        try {
            output = run(List.of("git", "add", "-A")) + run(List.of("git", "-c", "user.name=Demo Agent",
                    "-c", "user.email=demo-agent@example.invalid", "commit", "-q", "-m", message));
        } catch (NoGitBinary e) {
            try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.open(dir.toFile())) {
                git.add().addFilepattern(".").call();
                org.eclipse.jgit.lib.PersonIdent me = new org.eclipse.jgit.lib.PersonIdent("Demo Agent", "demo-agent@example.invalid");
                output = git.commit().setMessage(message).setAuthor(me).setCommitter(me).call().getName();
            }
        }
        toolUse("Bash", "{\"command\":" + json(shown) + ",\"description\":\"Commit the work\"}", output);
    }

    private static final class NoGitBinary extends Exception {
        private static final long serialVersionUID = 1L;
    }

    private String run(List<String> command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new NoGitBinary();
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    private void toolUse(String tool, String inputJson, String resultText) {
        String id = "toolu_demo_" + (++toolIds);
        emit("{\"type\":\"assistant\",\"session_id\":" + json(sessionId) + ",\"message\":{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":"
                + json(id) + ",\"name\":" + json(tool) + ",\"input\":" + inputJson + "}]}}");
        emit("{\"type\":\"user\",\"session_id\":" + json(sessionId) + ",\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":"
                + json(id) + ",\"content\":" + json(resultText) + ",\"is_error\":false}]}}");
    }

    private void result(boolean error, String text) {
        emit("{\"type\":\"result\",\"subtype\":\"" + (error ? "error_during_execution" : "success") + "\",\"is_error\":" + error
                + ",\"duration_ms\":" + (System.currentTimeMillis() - started) + ",\"num_turns\":" + (toolIds + 1)
                + ",\"result\":" + json(text) + ",\"session_id\":" + json(sessionId)
                + ",\"total_cost_usd\":0,\"permission_denials\":[]}");
    }

    private void pause() throws InterruptedException {
        Thread.sleep(stepMillis);
    }

    private static void emit(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static String firstLine(String s) {
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() > 72 ? line.substring(0, 69) + "..." : line;
    }

    /** A JSON string literal. */
    static String json(String s) {
        return dev.agentorchestrator.examples.cli.JsonText.quoted(s);
    }

}
