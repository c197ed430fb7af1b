package dev.agentorchestrator.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.TestFailure;
import dev.agentorchestrator.internal.ci.JUnitXmlReports;
import dev.agentorchestrator.internal.ci.ReportTally;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report shapes of each tool the runner knows, and reports that are broken or hostile. */
class JUnitXmlReportsTest {

    @TempDir
    Path dir;

    private final JUnitXmlReports reports = new JUnitXmlReports(32L * 1024 * 1024);

    @Test
    void surefireCountsFailuresErrorsSkipsAndTreatsAFlakyPassAsPassed() throws IOException {
        ReportTally t = read("surefire.xml");

        assertCounts(t, 2, 1, 1, 1);
        TestFailure refresh = t.failures().get(0);
        assertEquals("refresh", refresh.name());
        assertEquals("com.example.AuthTest", refresh.className());
        assertEquals(TestFailure.Kind.FAILED, refresh.kind());
        assertEquals("expected: <200> but was: <401>", refresh.message());
        assertEquals("AuthTest.refresh", refresh.displayName());
        assertTrue(refresh.detail().contains("at com.example.AuthTest.refresh(AuthTest.java:42)"), refresh.detail());
        assertTrue(refresh.detail().contains("refreshing token abc"), "the test's own output: " + refresh.detail());
        TestFailure logout = t.failures().get(1);
        assertEquals(TestFailure.Kind.ERRORED, logout.kind());
        assertEquals("Connection refused", logout.message());
        assertEquals(1, t.reportsRead());
        assertEquals(List.of(), t.notes());
    }

    @Test
    void failsafeCountsATestThatFailedEveryRerunOnce() throws IOException {
        ReportTally t = read("failsafe.xml");

        assertCounts(t, 1, 1, 0, 0);
        assertEquals("CheckoutIT.paysWithCard", t.failures().get(0).displayName());
        assertEquals("payment declined", t.failures().get(0).message());
    }

    @Test
    void gradleIgnoresTheSuiteLevelOutput() throws IOException {
        ReportTally t = read("gradle.xml");

        assertCounts(t, 1, 1, 0, 1);
        TestFailure f = t.failures().get(0);
        assertEquals("CartTest.removesItem()", f.displayName());
        assertFalse(f.detail().contains("output of the whole class"), f.detail());
    }

    @Test
    void pytestKeepsTheEndOfTheTracebackAndSetupErrors() throws IOException {
        ReportTally t = read("pytest.xml");

        assertCounts(t, 2, 1, 1, 1);
        TestFailure refresh = t.failures().get(0);
        assertEquals("TestAuth.test_refresh", refresh.displayName());
        assertEquals("AssertionError: expected 200 but was 401\nassert 401 == 200", refresh.message());
        assertTrue(refresh.detail().endsWith("tests/test_auth.py:12: AssertionError"), refresh.detail());
        TestFailure db = t.failures().get(1);
        assertEquals(TestFailure.Kind.ERRORED, db.kind());
        assertEquals("test_auth.test_db", db.displayName());
    }

    @Test
    void jestGivesNoMessageAttributeSoTheFirstLineOfTheBodyIsTheMessage() throws IOException {
        ReportTally t = read("jest.xml");

        assertCounts(t, 1, 1, 0, 1);
        TestFailure f = t.failures().get(0);
        assertEquals("Error: expect(received).toBe(expected) // Object.is equality", f.message());
        assertEquals("auth refreshes the token", f.displayName(), "jest repeats the class in the name");
        assertTrue(f.detail().contains("Received: 401"), f.detail());
    }

    @Test
    void vitestNamesTheFileAsTheClass() throws IOException {
        ReportTally t = read("vitest.xml");

        assertCounts(t, 1, 1, 0, 0);
        TestFailure f = t.failures().get(0);
        assertEquals("cart > applies the discount", f.name());
        assertEquals("src/cart.test.ts", f.className());
        assertEquals("expected 90 to be 80 // Object.is equality", f.message());
    }

    @Test
    void goJunitReportSaysOnlyFailedSoTheOutputGivesTheMessage() throws IOException {
        ReportTally t = read("go-junit-report.xml");

        assertCounts(t, 1, 1, 0, 1);
        TestFailure f = t.failures().get(0);
        assertEquals("auth_test.go:14: expected 200 but was 401", f.message());
        assertEquals("auth.TestRefresh", f.displayName());
    }

    @Test
    void nestedSuitesCountEachTestOnceAndLendTheirNameToTestsWithoutAClass() throws IOException {
        ReportTally t = read("nested-suites.xml");

        assertCounts(t, 2, 0, 1, 0);
        assertEquals("inner.Alpha", t.failures().get(0).className());
        assertEquals("boom", t.failures().get(0).message());
    }

    @Test
    void aCutShortReportCountsWhatCameBeforeTheCutAndSaysSo() throws IOException {
        Path report = write("TEST-cut.xml", "<?xml version=\"1.0\"?>\n<testsuite name=\"X\">\n"
                + "  <testcase name=\"a\" classname=\"X\"/>\n  <testcase name=\"b\" classname=\"X\"><failure message=\"m\">at X.b(X.ja");
        ReportTally t = new ReportTally(50);

        reports.read(report, "target/TEST-cut.xml", t);

        assertCounts(t, 1, 0, 0, 0);
        assertEquals(1, t.notes().size(), t.notes().toString());
        String note = t.notes().get(0);
        assertTrue(note.startsWith("target/TEST-cut.xml: is not well-formed XML or is cut short at line 4"), note);
        assertTrue(note.contains("the 1 test(s) before that point are counted"), note);
    }

    @Test
    void mismatchedTagsAreANoteNotAnException() throws IOException {
        Path report = write("bad.xml", "<testsuite><testcase name=\"a\"></testsuite></testcase>");
        ReportTally t = new ReportTally(50);

        reports.read(report, "bad.xml", t);

        assertEquals(0, t.total());
        assertTrue(t.notes().get(0).startsWith("bad.xml: is not well-formed XML"), t.notes().toString());
    }

    @Test
    void aFileThatIsNotATestReportIsIgnoredWithANote() throws IOException {
        Path report = write("junit-settings.xml", "<settings><testcase name=\"not one\"/></settings>");
        ReportTally t = new ReportTally(50);

        reports.read(report, "junit-settings.xml", t);

        assertEquals(0, t.total());
        assertEquals(0, t.reportsRead());
        assertTrue(t.notes().get(0).contains("is not a JUnit XML report (its root element is <settings>"), t.notes().toString());
    }

    @Test
    void anExternalEntityIsNeverRead() throws IOException {
        Path secret = write("secret.txt", "the-secret-value");
        Path report = write("xxe.xml", "<?xml version=\"1.0\"?>\n"
                + "<!DOCTYPE testsuite [<!ENTITY secret SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<testsuite><testcase name=\"t\" classname=\"X\"><failure message=\"&secret;\">&secret;</failure></testcase></testsuite>");
        ReportTally t = new ReportTally(50);

        reports.read(report, "xxe.xml", t);

        String everything = t.failures() + " " + t.notes();
        assertFalse(everything.contains("the-secret-value"), everything);
        assertEquals(1, t.notes().size(), "a clear note instead: " + t.notes());
        assertTrue(t.notes().get(0).contains("its DOCTYPE is not read, for safety"), t.notes().get(0));
    }

    @Test
    void anExternalDtdIsNeverFetched() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path report = write("dtd.xml", "<?xml version=\"1.0\"?>\n"
                    + "<!DOCTYPE testsuite SYSTEM \"http://127.0.0.1:" + server.getLocalPort() + "/report.dtd\">\n"
                    + "<testsuite><testcase name=\"t\" classname=\"X\"/></testsuite>");
            ReportTally t = new ReportTally(50);

            reports.read(report, "dtd.xml", t);

            // The parse is over; a fetch would have connected during it and be waiting in the backlog.
            server.setSoTimeout(200);
            boolean connected;
            try (var ignored = server.accept()) {
                connected = true;
            } catch (SocketTimeoutException none) {
                connected = false;
            }
            assertFalse(connected, "the parser connected to fetch the DTD");
            assertEquals(1, t.passedCount(), "the report itself is read: " + t.notes());
        }
    }

    @Test
    void manyFailuresKeepExactCountsButListOnlyTheFirst() throws IOException {
        StringBuilder xml = new StringBuilder("<testsuite name=\"Many\">");
        for (int i = 0; i < 120; i++) {
            xml.append("<testcase name=\"t").append(i).append("\" classname=\"Many\"><failure message=\"no ")
                    .append(i).append("\"/></testcase>");
        }
        Path report = write("many.xml", xml.append("</testsuite>").toString());
        ReportTally t = new ReportTally(50);

        reports.read(report, "many.xml", t);

        assertEquals(120, t.failedCount());
        assertEquals(50, t.failures().size());
        assertEquals("t49", t.failures().get(49).name());
        assertTrue(t.notes().contains("120 tests did not pass; the first 50 are listed"), t.notes().toString());
    }

    @Test
    void aLongStackKeepsBothEndsAndSaysWhatWasLeftOut() throws IOException {
        StringBuilder stack = new StringBuilder("java.lang.AssertionError: top line\n");
        for (int i = 0; i < 5_000; i++) {
            stack.append("\tat frame").append(i).append("(X.java:").append(i).append(")\n");
        }
        stack.append("Caused by: the bottom line");
        Path report = write("long.xml", "<testsuite><testcase name=\"t\" classname=\"X\"><failure><![CDATA["
                + stack + "]]></failure></testcase></testsuite>");
        ReportTally t = new ReportTally(50);

        reports.read(report, "long.xml", t);

        String detail = t.failures().get(0).detail();
        assertTrue(detail.startsWith("java.lang.AssertionError: top line"), detail);
        assertTrue(detail.endsWith("Caused by: the bottom line"), detail);
        assertTrue(detail.contains("characters left out"), detail);
        assertTrue(detail.length() < 5_000, "bounded: " + detail.length());
        assertEquals("java.lang.AssertionError: top line", t.failures().get(0).message());
    }

    private ReportTally read(String resource) throws IOException {
        Path file = dir.resolve(resource);
        try (InputStream in = getClass().getResourceAsStream("/ci/reports/" + resource)) {
            Files.copy(in, file);
        }
        ReportTally tally = new ReportTally(50);
        reports.read(file, resource, tally);
        return tally;
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static void assertCounts(ReportTally t, int passed, int failed, int errored, int skipped) {
        assertEquals(List.of(passed, failed, errored, skipped),
                List.of(t.passedCount(), t.failedCount(), t.erroredCount(), t.skippedCount()),
                "passed, failed, errored, skipped; notes: " + t.notes());
    }
}
