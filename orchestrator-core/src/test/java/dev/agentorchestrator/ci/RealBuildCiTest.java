package dev.agentorchestrator.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.TestFailure;
import dev.agentorchestrator.spi.CiRequest;
import dev.agentorchestrator.testing.TestRepos;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny Java project in a real repository whose test command really compiles and runs its tests
 * (a one-file runner started with {@code java Runner.java}, no network) and writes Surefire-shaped
 * reports: red on the first commit, green once a second commit fixes it.
 */
class RealBuildCiTest {

    private static final String BUGGY_CALC = """
            public class Calc {
                public static int add(int a, int b) { return a + b + 1; }
                public static int times(int a, int b) { return a * b; }
                public static int divide(int a, int b) { return a / b; }
            }
            """;
    private static final String FIXED_CALC = BUGGY_CALC.replace("a + b + 1", "a + b");
    private static final String BROKEN_TESTS = """
            public class CalcTest {
                public static void addsTwoNumbers() {
                    int sum = Calc.add(2, 3);
                    if (sum != 5) throw new AssertionError("expected 5 but was " + sum);
                }
                public static void multiplies() {
                    if (Calc.times(2, 3) != 6) throw new AssertionError("expected 6");
                }
                public static void divides() {
                    if (Calc.divide(6, 0) != 3) throw new AssertionError("expected 3");
                }
            }
            """;
    private static final String FIXED_TESTS = BROKEN_TESTS.replace("Calc.divide(6, 0)", "Calc.divide(6, 2)");

    @TempDir
    Path dir;

    @Test
    void aRealBuildIsRedWithTheFailingTestsNamedThenGreenOnTheFixingCommit() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(".gitignore", "build/\ntarget/\n");
        files.put("ci.sh", resource("ci.sh"));
        files.put("tools/Runner.java", resource("Runner.java"));
        files.put("src/Calc.java", BUGGY_CALC);
        files.put("test/CalcTest.java", BROKEN_TESTS);
        Path repo = TestRepos.withFiles(dir.resolve("repo"), files);
        String red = TestRepos.git(repo, "rev-parse", "HEAD").trim();
        CommandCiRunner ci = Ci.command("sh", "ci.sh").withEnvironment(Map.of("JAVA_HOME", System.getProperty("java.home")));

        CiResult first = ci.run(request(repo, red, "red.log"));

        assertEquals(CiResult.Status.FAILED, first.status(), first.summary() + "\n" + first.outputTail());
        assertEquals(red, first.commit());
        assertEquals(List.of(1, 1, 1, 0), List.of(first.passed(), first.failed(), first.errored(), first.skipped()));
        assertEquals(List.of("CalcTest.addsTwoNumbers", "CalcTest.divides"),
                first.failures().stream().map(TestFailure::displayName).toList());
        assertEquals("1 passed, 1 failed, 1 errored (CalcTest.addsTwoNumbers: expected 5 but was 6; +1 more)", first.summary());
        TestFailure divides = first.failures().get(1);
        assertEquals(TestFailure.Kind.ERRORED, divides.kind());
        assertEquals("/ by zero", divides.message());
        assertTrue(divides.detail().contains("at Calc.divide("), divides.detail());
        assertTrue(Files.readString(first.logFile().orElseThrow()).contains("Tests run: 3, Failures: 1, Errors: 1, Skipped: 0"));
        assertEquals("", TestRepos.git(repo, "status", "--porcelain"), "the build leaves the worktree as committed");

        String green = TestRepos.commitFiles(repo, Map.of("src/Calc.java", FIXED_CALC, "test/CalcTest.java", FIXED_TESTS),
                "fix add and the divide test");
        CiResult second = ci.run(request(repo, green, "green.log"));

        assertEquals(CiResult.Status.PASSED, second.status(), second.summary() + "\n" + second.outputTail());
        assertEquals(green, second.commit());
        assertEquals("3 passed", second.summary());
        assertEquals(List.of(), second.failures());
    }

    @Test
    void theDetectedMakeTargetRunsTheSameBuild() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(".gitignore", "build/\ntarget/\n");
        // .PHONY, or make finds the test/ folder and calls the target up to date
        files.put("Makefile", ".PHONY: test\ntest:\n\tsh ci.sh\n");
        files.put("ci.sh", resource("ci.sh"));
        files.put("tools/Runner.java", resource("Runner.java"));
        files.put("src/Calc.java", FIXED_CALC);
        files.put("test/CalcTest.java", FIXED_TESTS);
        Path repo = TestRepos.withFiles(dir.resolve("repo"), files);
        String head = TestRepos.git(repo, "rev-parse", "HEAD").trim();

        CiResult r = Ci.detect().withEnvironment(Map.of("JAVA_HOME", System.getProperty("java.home")))
                .run(request(repo, head, "make.log"));

        assertEquals(CiResult.Status.PASSED, r.status(), r.summary() + "\n" + r.outputTail());
        assertEquals(3, r.passed());
    }

    private CiRequest request(Path repo, String commit, String log) {
        return new CiRequest("calc", repo, commit, Duration.ofMinutes(5), line -> { }).withLogFile(dir.resolve(log));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = RealBuildCiTest.class.getResourceAsStream("/ci/realbuild/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
