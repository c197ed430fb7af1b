package dev.agentorchestrator.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.TestFailure;
import dev.agentorchestrator.spi.CiRequest;
import dev.agentorchestrator.testing.TestRepos;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import dev.agentorchestrator.internal.ci.JUnitXmlReports;
import java.io.File;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 100 MB report (a test that printed without end into its system-out): over the size limit it
 * is a note; under a raised limit it is read in bounded memory and the output is trimmed.
 */
class HugeReportTest {

    private static final long HUNDRED_MB = 100L * 1024 * 1024;

    @TempDir
    static Path dir;
    static Path huge;

    @BeforeAll
    static void generate() throws IOException {
        huge = generate(dir.resolve("TEST-Huge.xml"));
    }

    @Test
    @Timeout(300)
    void aHugeReportIsANoteOverTheLimitAndReadUnderARaisedOne() throws IOException {
        Path repo = TestRepos.withCommit(dir.resolve("repo"));
        String commit = TestRepos.git(repo, "rev-parse", "HEAD").trim();
        // The run moves the report in and stamps it, as a test tool writing it would.
        String script = "mkdir -p target/surefire-reports && mv '" + huge + "' target/surefire-reports/ "
                + "&& touch target/surefire-reports/TEST-Huge.xml; exit 1";
        String back = "mv target/surefire-reports/TEST-Huge.xml '" + huge + "'; ";

        CiResult limited = Ci.command("sh", "-c", script)
                .run(new CiRequest("f", repo, commit, Duration.ofMinutes(2), l -> { }).withLogFile(dir.resolve("1.log")));
        CiResult raised = Ci.command("sh", "-c", back + script).withMaxReportSize(2 * HUNDRED_MB)
                .run(new CiRequest("f", repo, commit, Duration.ofMinutes(2), l -> { }).withLogFile(dir.resolve("2.log")));
        Files.move(repo.resolve("target/surefire-reports/TEST-Huge.xml"), huge);

        assertEquals(CiResult.Status.FAILED, limited.status());
        assertEquals(0, limited.passed() + limited.failing());
        String note = limited.notes().get(0);
        assertTrue(note.startsWith("target/surefire-reports/TEST-Huge.xml: is 100.0 MB, over the 32.0 MB limit"), note);
        assertTrue(note.contains("withMaxReportSize"), "the note names the fix: " + note);

        assertEquals(List.of(2, 1), List.of(raised.passed(), raised.failed()), raised.notes().toString());
        TestFailure f = raised.failures().get(0);
        assertEquals("Huge.floods", f.displayName());
        assertTrue(f.detail().length() < 10_000, "the output is trimmed: " + f.detail().length());
        assertTrue(f.detail().endsWith("last line of the flood"), f.detail().substring(f.detail().length() - 100));
    }

    @Test
    @Timeout(300)
    void parsingItFitsInASmallHeap() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = location(JUnitXmlReports.class) + File.pathSeparator + location(HugeReportChild.class);
        Path out = dir.resolve("child.out");
        Process child = new ProcessBuilder(java, "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", classPath,
                HugeReportChild.class.getName(), huge.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();

        assertTrue(child.waitFor(240, TimeUnit.SECONDS), "the child ends");
        String printed = Files.readString(out).trim();
        assertEquals(0, child.exitValue(), printed);
        String[] fields = printed.split(" ");
        assertEquals(List.of("2", "1", "0"), List.of(fields[0], fields[1], fields[3]), printed);
        assertTrue(Integer.parseInt(fields[2]) < 10_000, printed);
    }

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static Path generate(Path file) throws IOException {
        String line = "log line of a test that prints far too much ..........................................\n";
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"Huge\">\n");
            w.write("<testcase name=\"first\" classname=\"Huge\"/>\n");
            w.write("<testcase name=\"floods\" classname=\"Huge\"><failure message=\"too much\">at Huge.floods</failure><system-out>");
            long written = 0;
            while (written < HUNDRED_MB) {
                w.write(line);
                written += line.length();
            }
            w.write("last line of the flood</system-out></testcase>\n<testcase name=\"last\" classname=\"Huge\"/>\n</testsuite>\n");
        }
        assertTrue(Files.size(file) >= HUNDRED_MB);
        return file;
    }
}
