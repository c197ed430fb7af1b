package dev.agentorchestrator.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.TestFailure;
import dev.agentorchestrator.spi.CiRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The result value: its one-line summary, the constructor the engine still calls, and its checks. */
class CiResultTest {

    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @Test
    void theSummaryNamesTheCountsAndTheFirstFailure() {
        CiResult r = CiResult.builder(CiResult.Status.FAILED, COMMIT).passed(3).failed(1)
                .failures(List.of(failure("refresh", "com.example.AuthTest", "expected 200 but was 401\nat line 2"))).build();

        assertEquals("3 passed, 1 failed (AuthTest.refresh: expected 200 but was 401)", r.summary());
    }

    @Test
    void theSummarySaysHowManyMoreFailedAndStaysOneShortLine() {
        String longMessage = "x".repeat(500);
        CiResult r = CiResult.builder(CiResult.Status.FAILED, COMMIT).passed(0).failed(2).errored(1).skipped(4)
                .failures(List.of(failure("a", "A", longMessage), failure("b", "B", "m"))).build();

        assertTrue(r.summary().startsWith("0 passed, 2 failed, 1 errored, 4 skipped (A.a: xxx"), r.summary());
        assertTrue(r.summary().endsWith("...; +2 more)"), r.summary());
        assertTrue(r.summary().length() < 200 && !r.summary().contains("\n"), r.summary());
        assertEquals(3, r.failing());
    }

    @Test
    void aResultWithNoCountsSaysItsStatus() {
        assertEquals("timed out", CiResult.builder(CiResult.Status.TIMED_OUT, COMMIT).build().summary());
        assertEquals("no tests counted", CiResult.builder(CiResult.Status.PASSED, COMMIT).build().counts());
    }

    @Test
    void theEightArgumentConstructorStillWorksAndFillsTheRestEmpty() {
        CiResult r = new CiResult(CiResult.Status.ERROR, COMMIT, 0, 0, 0, Duration.ZERO, Instant.now(), "runner failed");

        assertEquals("runner failed", r.summary());
        assertEquals(0, r.errored());
        assertEquals(List.of(), r.failures());
        assertEquals(List.of(), r.notes());
        assertEquals("", r.outputTail());
        assertEquals(Optional.empty(), r.logFile());
    }

    @Test
    void negativeCountsAreAProgrammingErrorOfTheRunner() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CiResult.builder(CiResult.Status.FAILED, COMMIT).errored(-1).build());
        assertTrue(e.getMessage().contains("errored=-1"), e.getMessage());
    }

    @Test
    void itsListsCannotBeChangedAfterwards() {
        List<TestFailure> failures = new ArrayList<>(List.of(failure("a", "A", "m")));
        CiResult r = CiResult.builder(CiResult.Status.FAILED, COMMIT).failed(1).failures(failures)
                .logFile(Path.of("run.log")).build();
        failures.clear();

        assertEquals(1, r.failures().size());
        assertThrows(UnsupportedOperationException.class, () -> r.notes().add("x"));
    }

    @Test
    void displayNamesFollowEachToolsClassNames() {
        assertEquals("AuthTest.refresh", failure("refresh", "com.example.AuthTest", "").displayName());
        assertEquals("auth.TestRefresh", failure("TestRefresh", "example.com/shop/auth", "").displayName());
        assertEquals("TestAuth.test_refresh", failure("test_refresh", "tests.test_auth.TestAuth", "").displayName());
        assertEquals("auth refreshes", failure("auth refreshes", "auth refreshes", "").displayName());
        assertEquals("lonely", failure("lonely", "", "").displayName());
    }

    @Test
    void ciNoneSkipsWithTheReason() {
        CiResult r = Ci.none().run(new CiRequest("f", Path.of("."), COMMIT, Duration.ofMinutes(1), l -> { }));

        assertEquals(CiResult.Status.SKIPPED, r.status());
        assertTrue(r.summary().startsWith("no CI is configured (Ci.none())"), r.summary());
    }

    private static TestFailure failure(String name, String className, String message) {
        return new TestFailure(name, className, TestFailure.Kind.FAILED, message, "");
    }
}
