package dev.agentorchestrator.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.spi.CiRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pins what the command runner did before it read reports: the command it picks from a worktree's
 * build files, the counts it reads from console output, and how a hanging or missing command ends.
 */
class CommandCiRunnerConsoleTest {

    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path worktree;

    @TempDir
    Path logs;

    @ParameterizedTest
    @CsvSource({
            "mvnw, sh ./mvnw -q -B verify",
            "pom.xml, mvn -q -B verify",
            "gradlew, sh ./gradlew test",
            "package.json, npm test",
            "Makefile, make test"})
    void detectsTheCommandFromTheBuildFile(String buildFile, String expected) throws IOException {
        Files.writeString(worktree.resolve(buildFile), "");

        Optional<List<String>> command = CommandCiRunner.detecting().commandFor(worktree);

        assertEquals(Optional.of(List.of(expected.split(" "))), command);
    }

    @Test
    void theMavenWrapperWinsOverEveryOtherBuildFile() throws IOException {
        for (String f : List.of("Makefile", "package.json", "gradlew", "pom.xml", "mvnw")) {
            Files.writeString(worktree.resolve(f), "");
        }
        assertEquals("./mvnw", CommandCiRunner.detecting().commandFor(worktree).orElseThrow().get(1));
    }

    @Test
    void aWorktreeWithNoBuildFileIsSkippedWithTheReason() {
        CiResult result = CommandCiRunner.detecting().run(request(Duration.ofMinutes(1), new ArrayList<>()));

        assertEquals(CiResult.Status.SKIPPED, result.status());
        assertEquals(COMMIT, result.commit());
        assertTrue(result.summary().contains("none detected"), result.summary());
    }

    @Test
    void aConfiguredCommandIsUsedAsGiven() {
        assertEquals(Optional.of(List.of("make", "check")), CommandCiRunner.of(List.of("make", "check")).commandFor(worktree));
    }

    @Test
    void readsSurefireTotalsAndIgnoresThePerClassLines() {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        CiResult result = CommandCiRunner.of(List.of("sh", "-c",
                "echo 'Tests run: 3, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.1 s - in a.ATest';"
                        + "echo 'Tests run: 9, Failures: 1, Errors: 1, Skipped: 2';"
                        + "exit 1")).run(request(Duration.ofMinutes(1), lines));

        assertEquals(CiResult.Status.FAILED, result.status());
        assertEquals(5, result.passed());
        assertEquals(1, result.failed(), "failures only, now that errors are counted apart");
        assertEquals(1, result.errored());
        assertEquals(2, result.skipped());
        assertTrue(lines.contains("Tests run: 9, Failures: 1, Errors: 1, Skipped: 2"), "every line reaches the output: " + lines);
    }

    @Test
    void readsThePytestSummaryLine() {
        CiResult result = CommandCiRunner.of(List.of("sh", "-c",
                "echo '==== 3 passed, 1 failed, 2 skipped, 1 error in 0.12s ===='; exit 1")).run(request(Duration.ofMinutes(1), new ArrayList<>()));

        assertEquals(CiResult.Status.FAILED, result.status());
        assertEquals(3, result.passed());
        assertEquals(1, result.failed());
        assertEquals(1, result.errored());
        assertEquals(2, result.skipped());
    }

    @Test
    void readsGradlesTotalsLine() {
        CiResult result = CommandCiRunner.of(List.of("sh", "-c",
                "echo '7 tests completed, 2 failed, 1 skipped'; exit 1")).run(request(Duration.ofMinutes(1), new ArrayList<>()));

        assertEquals(List.of(4, 2, 1), List.of(result.passed(), result.failed(), result.skipped()));
    }

    @Test
    void theExitCodeDecidesWhateverTheConsoleSays() {
        CiResult result = CommandCiRunner.of(List.of("sh", "-c", "echo '2 passed, 1 failed'; exit 0"))
                .run(request(Duration.ofMinutes(1), new ArrayList<>()));

        assertEquals(CiResult.Status.PASSED, result.status());
        assertEquals(COMMIT, result.commit());
    }

    @Test
    void aCommandThatOutlivesItsTimeLimitIsTimedOut() {
        CiResult result = CommandCiRunner.of(List.of("sh", "-c", "echo started; exec sleep 300"))
                .run(request(Duration.ofMillis(300), new ArrayList<>()));

        assertEquals(CiResult.Status.TIMED_OUT, result.status());
        assertTrue(result.summary().contains("did not finish within"), result.summary());
    }

    @Test
    void aCommandThatCannotStartIsAnErrorNamingIt() {
        CiResult result = CommandCiRunner.of(List.of("no-such-test-command-here"))
                .run(request(Duration.ofMinutes(1), new ArrayList<>()));

        assertEquals(CiResult.Status.ERROR, result.status());
        assertTrue(result.summary().contains("no-such-test-command-here"), result.summary());
    }

    private CiRequest request(Duration timeout, List<String> lines) {
        return new CiRequest("feature-a", worktree, COMMIT, timeout, lines::add).withLogFile(logs.resolve("run.log"));
    }
}
