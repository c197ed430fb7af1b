package dev.agentorchestrator.internal.ci;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test counts read from console output, for runs that write no report: Maven Surefire's totals
 * line, Gradle's {@code N tests completed, F failed}, and the {@code N passed, F failed} wording of
 * pytest, Jest and Vitest. The last summary line of each kind wins; Surefire's totals win over the
 * rest because its per-module output also contains words like "passed".
 */
public final class ConsoleCounts {

    private static final Pattern SUREFIRE = Pattern.compile(
            "Tests run: (\\d+), Failures: (\\d+), Errors: (\\d+), Skipped: (\\d+)(?!.*Time elapsed)");
    private static final Pattern GRADLE = Pattern.compile("(\\d+) tests? completed, (\\d+) failed(?:, (\\d+) skipped)?");
    private static final Pattern PASSED = Pattern.compile("(\\d+) passed");
    private static final Pattern FAILED = Pattern.compile("(\\d+) failed");
    private static final Pattern ERRORS = Pattern.compile("(\\d+) errors?\\b");
    private static final Pattern SKIPPED = Pattern.compile("(\\d+) skipped");

    private int passed;
    private int failed;
    private int errored;
    private int skipped;
    private boolean surefire;
    private boolean any;

    /** Reads one line of output; safe to call from the output thread while others read the counts. */
    public synchronized void read(String line) {
        Matcher m = SUREFIRE.matcher(line);
        if (m.find() && !line.contains(" - in ")) {
            surefire = true;
            any = true;
            int run = Integer.parseInt(m.group(1));
            failed = Integer.parseInt(m.group(2));
            errored = Integer.parseInt(m.group(3));
            skipped = Integer.parseInt(m.group(4));
            passed = Math.max(0, run - failed - errored - skipped);
            return;
        }
        if (surefire) {
            return;
        }
        Matcher g = GRADLE.matcher(line);
        if (g.find()) {
            any = true;
            int completed = Integer.parseInt(g.group(1));
            failed = Integer.parseInt(g.group(2));
            errored = 0;
            skipped = g.group(3) == null ? 0 : Integer.parseInt(g.group(3));
            passed = Math.max(0, completed - failed - skipped);
            return;
        }
        Matcher p = PASSED.matcher(line);
        if (p.find()) {
            any = true;
            passed = Integer.parseInt(p.group(1));
            failed = count(FAILED, line);
            errored = count(ERRORS, line);
            skipped = count(SKIPPED, line);
        }
    }

    private static int count(Pattern pattern, String line) {
        Matcher m = pattern.matcher(line);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** Whether any summary line was seen. */
    public synchronized boolean found() {
        return any;
    }

    public synchronized int passed() {
        return passed;
    }

    public synchronized int failed() {
        return failed;
    }

    public synchronized int errored() {
        return errored;
    }

    public synchronized int skipped() {
        return skipped;
    }
}
