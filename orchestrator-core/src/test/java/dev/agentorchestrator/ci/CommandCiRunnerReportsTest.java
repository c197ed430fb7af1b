package dev.agentorchestrator.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.TestFailure;
import dev.agentorchestrator.internal.process.CommandRunner;
import dev.agentorchestrator.spi.CiRequest;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.TestRepos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command runner on a real repository with commands that write reports the way test tools do:
 * which reports count, what the result says, where the output goes.
 */
class CommandCiRunnerReportsTest {

    static final String PASSING = """
            <testsuite name="com.example.LoginTest">
              <testcase name="login" classname="com.example.LoginTest"/>
            </testsuite>""";
    static final String FAILING = """
            <testsuite name="com.example.AuthTest">
              <testcase name="token" classname="com.example.AuthTest"/>
              <testcase name="refresh" classname="com.example.AuthTest">
                <failure message="expected 200 but was 401">at com.example.AuthTest.refresh(AuthTest.java:42)</failure>
              </testcase>
            </testsuite>""";

    @TempDir
    Path dir;

    Path repo;
    String commit;
    final List<String> output = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void repository() {
        repo = TestRepos.withFiles(dir.resolve("repo"), Map.of("README.md", "tested\n"));
        commit = TestRepos.git(repo, "rev-parse", "HEAD").trim();
    }

    @Test
    void countsTheReportsTheRunWroteAndRecordsTheCommit() {
        CiResult r = run(Ci.command("sh", "-c", writes("target/surefire-reports/TEST-Auth.xml", FAILING)
                + writes("target/surefire-reports/TEST-Login.xml", PASSING) + "exit 1"));

        assertEquals(CiResult.Status.FAILED, r.status());
        assertEquals(commit, r.commit());
        assertEquals(List.of(2, 1, 0, 0), List.of(r.passed(), r.failed(), r.errored(), r.skipped()));
        assertEquals(List.of("AuthTest.refresh"), r.failures().stream().map(TestFailure::displayName).toList());
        assertEquals("2 passed, 1 failed (AuthTest.refresh: expected 200 but was 401)", r.summary());
        assertEquals(List.of(), r.notes());
    }

    @Test
    void reportsOlderThanTheRunAreIgnored() throws IOException {
        Path reports = Files.createDirectories(repo.resolve("target/surefire-reports"));
        // left by an earlier run an hour ago
        Path old = Files.writeString(reports.resolve("TEST-Old.xml"), FAILING);
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(3600)));
        // left by an earlier run a moment ago, which this run does not rewrite
        Files.writeString(reports.resolve("TEST-Recent.xml"), FAILING);
        // an old report this run copies in with its old time kept
        Path stash = Files.writeString(dir.resolve("TEST-Stashed.xml"), FAILING);
        Files.setLastModifiedTime(stash, FileTime.from(Instant.now().minusSeconds(3600)));

        CiResult r = run(Ci.command("sh", "-c", "cp -p '" + stash + "' target/surefire-reports/;"
                + writes("target/surefire-reports/TEST-Login.xml", PASSING)));

        assertEquals(CiResult.Status.PASSED, r.status(), r.summary());
        assertEquals(List.of(1, 0), List.of(r.passed(), r.failed()));
        assertEquals(List.of(), r.failures());
        assertEquals("1 passed", r.summary());
    }

    @Test
    void aReportTheRunRewritesCountsAgain() throws IOException {
        Path reports = Files.createDirectories(repo.resolve("target/surefire-reports"));
        Files.setLastModifiedTime(Files.writeString(reports.resolve("TEST-Auth.xml"), PASSING),
                FileTime.from(Instant.now().minusSeconds(3600)));

        CiResult r = run(Ci.command("sh", "-c", writes("target/surefire-reports/TEST-Auth.xml", FAILING) + "exit 1"));

        assertEquals(1, r.failed(), r.summary());
    }

    @Test
    void withoutReportsTheExitCodeDecidesAndTheConsoleGivesTheCounts() {
        CiResult failed = run(Ci.command("sh", "-c",
                "echo 'Tests run: 4, Failures: 1, Errors: 1, Skipped: 0'; echo 'BUILD FAILURE'; exit 1"));
        CiResult passed = run(Ci.command("sh", "-c", "echo compiled; exit 0"));

        assertEquals(CiResult.Status.FAILED, failed.status());
        assertEquals(List.of(2, 1, 1), List.of(failed.passed(), failed.failed(), failed.errored()));
        assertEquals("2 passed, 1 failed, 1 errored; exit code 1: BUILD FAILURE", failed.summary());
        assertEquals(CiResult.Status.PASSED, passed.status());
        assertEquals("passed (exit code 0; no test report or test counts found)", passed.summary());
    }

    @Test
    void aFailingCommandWithNoCountsNamesItsLastLine() {
        CiResult r = run(Ci.command("sh", "-c", "echo 'compiling'; echo 'error: cannot find symbol Foo'; echo; exit 2"));

        assertEquals(CiResult.Status.FAILED, r.status());
        assertEquals("exit code 2, no test report found: error: cannot find symbol Foo", r.summary());
        assertTrue(r.outputTail().endsWith("error: cannot find symbol Foo\n"), r.outputTail());
    }

    @Test
    void failingTestsInTheReportsFailARunThatExitedZero() {
        CiResult r = run(Ci.command("sh", "-c", writes("target/surefire-reports/TEST-Auth.xml", FAILING)));

        assertEquals(CiResult.Status.FAILED, r.status());
        assertTrue(r.notes().get(0).contains("exited with 0"), r.notes().toString());
    }

    @Test
    void aNonZeroExitFailsARunWhoseReportsAllPass() {
        CiResult r = run(Ci.command("sh", "-c", writes("target/surefire-reports/TEST-Login.xml", PASSING)
                + "echo 'coverage below 80%'; exit 3"));

        assertEquals(CiResult.Status.FAILED, r.status());
        assertEquals("1 passed; but the command exited with 3: coverage below 80%", r.summary());
    }

    @Test
    void theReportGlobsCanBeChangedOrSwitchedOff() {
        String script = writes("out/results.xml", FAILING) + writes("target/surefire-reports/TEST-Login.xml", PASSING) + "exit 1";

        CiResult custom = run(Ci.command("sh", "-c", script).withReports("out/*.xml"));
        CiResult none = run(Ci.command("sh", "-c", script).withReports());

        assertEquals(List.of(1, 1), List.of(custom.passed(), custom.failed()), "only out/results.xml: " + custom.summary());
        assertEquals(List.of(0, 0, List.of()), List.of(none.passed(), none.failed(), none.failures()));
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> Ci.command("true").withReports("out/[*.xml"));
        assertTrue(e.getMessage().contains("'out/[*.xml', which is not a valid glob"), e.getMessage());
    }

    @Test
    void aMalformedReportIsANoteAndTheExitCodeStillDecides() {
        CiResult r = run(Ci.command("sh", "-c", writes("target/surefire-reports/TEST-Cut.xml",
                "<testsuite name=\"Cut\"><testcase name=\"a\" classname=\"Cut\"><failure message=\"x\">") + "exit 1"));

        assertEquals(CiResult.Status.FAILED, r.status());
        assertTrue(r.notes().get(0).startsWith("target/surefire-reports/TEST-Cut.xml: is not well-formed XML or is cut short"),
                r.notes().toString());
        assertEquals("exit code 1, no test report could be read", r.summary());
    }

    @Test
    @Timeout(120)
    void aPipeNamedLikeAReportIsNotReadAndCannotStallTheRun() {
        CiResult r = run(Ci.command("sh", "-c", "mkdir -p target/surefire-reports && mkfifo target/surefire-reports/TEST-Pipe.xml && "
                + writes("target/surefire-reports/TEST-Login.xml", PASSING)));

        assertEquals(CiResult.Status.PASSED, r.status(), r.summary());
        assertEquals(1, r.passed());
    }

    @Test
    void theWholeOutputGoesToTheLogFileTheRequestNames() throws IOException {
        Path log = dir.resolve("logs/feature-a/run-1.log");
        CiResult r = Ci.command("sh", "-c", "echo first; echo second >&2; echo 'Tests run: 1, Failures: 0, Errors: 0, Skipped: 0'")
                .run(new CiRequest("feature-a", repo, commit, Duration.ofMinutes(2), output::add).withLogFile(log));

        assertEquals(log, r.logFile().orElseThrow());
        List<String> lines = Files.readAllLines(log);
        assertTrue(lines.containsAll(List.of("first", "second", "Tests run: 1, Failures: 0, Errors: 0, Skipped: 0")), lines.toString());
        assertTrue(lines.get(0).startsWith("# agent-orchestrator CI run: 'sh -c echo first;") && lines.get(0).contains(commit), lines.get(0));
        assertEquals("# exit code 0", lines.get(lines.size() - 1).replaceFirst(" after .*", ""));
        assertTrue(output.containsAll(List.of("first", "second")), "the lines reach the request's output too: " + output);
    }

    @Test
    void eachRunWithoutALogFileGetsItsOwnInTheLogFolder() throws IOException {
        Path logs = dir.resolve("ci-logs");
        CommandCiRunner ci = Ci.command("sh", "-c", "echo run-output").withLogDirectory(logs);

        Path first = ci.run(new CiRequest("ui/dashboard", repo, commit, Duration.ofMinutes(2), l -> { })).logFile().orElseThrow();
        Path second = ci.run(new CiRequest("ui/dashboard", repo, commit, Duration.ofMinutes(2), l -> { })).logFile().orElseThrow();

        assertEquals(logs, first.getParent());
        assertTrue(first.getFileName().toString().startsWith("ui_dashboard-" + commit.substring(0, 12) + "-"), first.toString());
        assertTrue(Files.readAllLines(second).contains("run-output"));
        // Run names carry the start to the millisecond; two runs in the same millisecond would share one.
        if (!first.equals(second)) {
            assertTrue(Files.readAllLines(first).contains("run-output"));
        }
    }

    @Test
    void aLogThatCannotBeWrittenIsANoteAndTheRunStillHappens() throws IOException {
        Path notAFolder = Files.writeString(dir.resolve("file"), "x");

        CiResult r = Ci.command("sh", "-c", "echo ok").run(
                new CiRequest("f", repo, commit, Duration.ofMinutes(2), l -> { }).withLogFile(notAFolder.resolve("run.log")));

        assertEquals(CiResult.Status.PASSED, r.status());
        assertTrue(r.logFile().isEmpty());
        assertTrue(r.notes().get(0).startsWith("the log file "), r.notes().toString());
    }

    @Test
    void aHangingTestCommandIsEndedWithItsChildrenAndGrandchildren() throws IOException {
        String script = "sh -c 'sleep 300 & echo $! > grandchild.pid; wait' & echo $! > child.pid; echo waiting; wait";

        CiResult r = Ci.command("sh", "-c", script)
                .run(new CiRequest("f", repo, commit, Duration.ofSeconds(5), output::add).withLogFile(dir.resolve("hang.log")));

        assertEquals(CiResult.Status.TIMED_OUT, r.status());
        assertTrue(r.summary().contains("did not finish within PT5S, so it and the processes it started were ended"), r.summary());
        long child = Long.parseLong(Files.readString(repo.resolve("child.pid")).trim());
        long grandchild = Long.parseLong(Files.readString(repo.resolve("grandchild.pid")).trim());
        Await.until("the child and grandchild end", Duration.ofSeconds(20),
                () -> gone(child) && gone(grandchild));
        assertTrue(Files.readAllLines(dir.resolve("hang.log")).contains("waiting"));
    }

    @Test
    void anInterruptedRunEndsItsProcessesAndReturns() throws Exception {
        String script = "sh -c 'sleep 300 & echo $! > grandchild.pid; wait' & wait";
        AtomicReference<CiResult> result = new AtomicReference<>();
        Thread runner = new Thread(() -> result.set(Ci.command("sh", "-c", script)
                .run(new CiRequest("f", repo, commit, Duration.ofMinutes(10), l -> { }).withLogFile(dir.resolve("stop.log")))));
        runner.start();
        Path pidFile = repo.resolve("grandchild.pid");
        Await.until("the grandchild runs", Duration.ofSeconds(30),
                () -> Files.exists(pidFile) && !readQuietly(pidFile).isBlank());
        long grandchild = Long.parseLong(readQuietly(pidFile).trim());

        runner.interrupt();
        runner.join(Duration.ofSeconds(60).toMillis());

        assertFalse(runner.isAlive(), "the run returned");
        assertEquals(CiResult.Status.ERROR, result.get().status());
        assertTrue(result.get().summary().contains("was interrupted"), result.get().summary());
        Await.until("the grandchild ends", Duration.ofSeconds(20), () -> gone(grandchild));
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void aLineWithoutEndReachesTheOutputInBoundedPieces() {
        List<Integer> lengths = Collections.synchronizedList(new ArrayList<>());
        Ci.command("sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' x").run(
                new CiRequest("f", repo, commit, Duration.ofMinutes(2), l -> lengths.add(l.length())).withLogFile(dir.resolve("flood.log")));

        assertEquals(1_000_000, lengths.stream().mapToInt(Integer::intValue).sum());
        assertTrue(lengths.stream().allMatch(n -> n <= CommandRunner.MAX_LINE), lengths.toString());
    }

    private static boolean gone(long pid) {
        return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    private CiResult run(CommandCiRunner ci) {
        return ci.run(new CiRequest("feature-a", repo, commit, Duration.ofMinutes(2), output::add)
                .withLogFile(dir.resolve("logs").resolve(System.nanoTime() + ".log")));
    }

    /** A shell step that writes {@code content} to {@code path} under the worktree. */
    static String writes(String path, String content) {
        String folder = path.contains("/") ? path.substring(0, path.lastIndexOf('/')) : ".";
        return "mkdir -p '" + folder + "' && cat > '" + path + "' <<'REPORT'\n" + content + "\nREPORT\n";
    }
}
