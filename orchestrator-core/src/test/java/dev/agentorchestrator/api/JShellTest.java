package dev.agentorchestrator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.testing.TestRepos;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's JShell form, pasted line by line into a real JShell: every line is accepted, the
 * values print readably (no internal class names, no identity hash codes), and completion on an
 * orchestrator offers only the public API.
 */
class JShellTest {

    @TempDir
    Path tmp;

    @Test
    void theReadmeExamplePastesIntoJShellAndPrintsReadableValues() {
        Path repo = TestRepos.withCommit(tmp.resolve("repo"));
        List<String> lines = List.of(
                "import dev.agentorchestrator.*;",
                "import java.nio.file.Path;",
                "import java.time.Duration;",
                // The README's form for JShell: each chained call ends its line with the dot.
                "var o = Orchestrator.builder().",
                "    repo(Path.of(\"" + repo.toString().replace("\\", "\\\\") + "\")).",
                "    agent(Agents.command(\"bash\", \"-c\", \"echo hi > hi.txt && git add hi.txt && git -c user.name=a -c user.email=a@example.invalid commit -qm hi\", \"agent\", \"{prompt}\")).",
                "    ci(Ci.none()).",
                "    feature(\"demo\", \"say hello\").",
                "    start();",
                "o",
                "o.await(\"demo\", Duration.ofSeconds(60))",
                "o.status()",
                "o.close()");
        try (JShell shell = JShell.builder().executionEngine("local").build()) {
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                shell.addToClasspath(entry);
            }
            List<String> values = new ArrayList<>();
            StringBuilder pending = new StringBuilder();
            for (String line : lines) {
                pending.append(line).append('\n');
                SourceCodeAnalysis.CompletionInfo info = shell.sourceCodeAnalysis().analyzeCompletion(pending.toString());
                if (info.completeness() == SourceCodeAnalysis.Completeness.DEFINITELY_INCOMPLETE
                        || info.completeness() == SourceCodeAnalysis.Completeness.CONSIDERED_INCOMPLETE) {
                    continue; // JShell waits for the next line, as it does when pasted
                }
                for (SnippetEvent e : shell.eval(pending.toString())) {
                    assertEquals(Snippet.Status.VALID, e.status(), "rejected: " + pending + " " + shell.diagnostics(e.snippet()).toList());
                    if (e.exception() != null) {
                        throw new AssertionError("threw: " + pending, e.exception());
                    }
                    if (e.value() != null) {
                        values.add(e.value());
                    }
                }
                if (line.startsWith("var o")) {
                    throw new AssertionError("the first line of the chain must not be complete on its own");
                }
                if (pending.toString().contains("start();")) {
                    List<SourceCodeAnalysis.Suggestion> suggestions = shell.sourceCodeAnalysis()
                            .completionSuggestions("o.", 2, new int[1]);
                    Set<String> offered = new java.util.TreeSet<>();
                    suggestions.forEach(s -> offered.add(s.continuation().replaceAll("\\(.*", "")));
                    Set<String> api = new java.util.TreeSet<>();
                    for (var m : dev.agentorchestrator.Orchestrator.class.getMethods()) {
                        api.add(m.getName());
                    }
                    for (var m : Object.class.getMethods()) {
                        api.add(m.getName());
                    }
                    offered.removeAll(api);
                    assertTrue(offered.isEmpty(), "completion offers more than the public API: " + offered);
                }
                pending.setLength(0);
            }
            String joined = String.join("\n", values);
            assertTrue(values.stream().anyMatch(v -> v.startsWith("Orchestrator[") && v.contains("demo")), values.toString());
            assertTrue(values.stream().anyMatch(v -> v.startsWith("Session[demo READY_TO_MERGE")), values.toString());
            assertTrue(values.stream().anyMatch(v -> v.startsWith("StatusSnapshot[1 session")), joined);
            assertFalse(joined.contains("internal"), "no internal class shows: " + joined);
            assertFalse(joined.matches("(?s).*@[0-9a-f]{5,}.*"), "no identity hash codes: " + joined);
        }
    }
}
