package dev.agentorchestrator.examples.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole benchmark harness on tiny settings (N=1, W=0, three sessions, 1 MB of output, no
 * JMH fork) so that a change that breaks a part is caught by the build. It checks that the file is
 * produced with every section and a table in each measured one; it asserts no time.
 */
class BenchmarksSmokeTest {

    @Test
    void theHarnessWritesEverySectionOnTinySettings(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("docs/benchmarks.md");
        Benchmarks.run(Benchmarks.parse(new String[] {"--quick", "--out", out.toString(), "--dir",
            dir.resolve("scratch").toString()}));

        String doc = Files.readString(out, StandardCharsets.UTF_8);
        System.out.println(doc); // in the test's output file, for a look at the quick figures
        assertTrue(doc.contains(Benchmarks.COMMAND), "the command is at the top");
        for (var section : Benchmarks.SECTIONS.entrySet()) {
            String open = "<!-- bench:" + section.getKey() + " -->";
            String close = "<!-- /bench:" + section.getKey() + " -->";
            assertTrue(doc.contains(open) && doc.contains(close), "section " + section.getKey());
            assertTrue(doc.contains("## " + section.getValue()), "title of " + section.getKey());
            String body = doc.substring(doc.indexOf(open), doc.indexOf(close));
            if (!section.getKey().equals("forecast")) {
                assertTrue(body.contains("| ---"), "a table in " + section.getKey() + ":\n" + body);
                assertFalse(body.contains("NaN"), "no missing figure in " + section.getKey() + ":\n" + body);
            }
        }
        assertTrue(doc.contains("0 / 0"), "no event lost or reordered:\n" + doc);
        assertFalse(Files.exists(dir.resolve("scratch")), "the scratch folder is deleted");
    }

    @Test
    void onePartAloneKeepsTheOtherSections(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("benchmarks.md");
        String kept = "<!-- bench:scale -->\n## 3. Status and events at scale\n\nearlier figures\n\n<!-- /bench:scale -->\n";
        Files.writeString(out, kept, StandardCharsets.UTF_8);
        Benchmarks.run(Benchmarks.parse(new String[] {"--quick", "--only", "parsing", "--out", out.toString(),
            "--dir", dir.resolve("scratch").toString()}));

        String doc = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(doc.contains("earlier figures"), doc);
        assertTrue(doc.contains("ClaudeStreamJsonInterpreter"), doc);
        assertTrue(doc.contains("Not measured yet: run the harness with `--only memory`"), doc);
    }
}
