package dev.agentorchestrator;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One CI run on one commit of a session's branch.
 *
 * <p>Counts and failures come from the run's JUnit XML reports when it wrote any, otherwise from
 * the counts its console output prints (0 when it prints none). {@link #summary()} is one line for
 * a person, for example {@code 3 passed, 1 failed (AuthTest.refresh: expected 200 but was 401)};
 * the whole output is in {@link #logFile()}.
 *
 * <pre>{@code
 * CiResult r = CiResult.builder(CiResult.Status.FAILED, commit).passed(3).failed(1)
 *         .failures(List.of(new TestFailure("refresh", "com.example.AuthTest", TestFailure.Kind.FAILED,
 *                 "expected 200 but was 401", "")))
 *         .build();
 * r.summary(); // "3 passed, 1 failed (AuthTest.refresh: expected 200 but was 401)"
 * }</pre>
 *
 * @param status     how it ended
 * @param commit     the commit that was tested
 * @param passed     tests passed (0 when unknown)
 * @param failed     tests whose assertions failed (0 when unknown); tests that errored are not in it
 * @param errored    tests that threw an unexpected exception or could not run (0 when unknown or
 *                   when the runner does not tell them apart from failures)
 * @param skipped    tests skipped (0 when unknown)
 * @param duration   wall time of the run
 * @param finishedAt when it ended
 * @param summary    one line for a person: the counts and the first failing test, or why the run
 *                   could not say (results stored by older versions may hold several lines)
 * @param failures   the tests that did not pass, in report order; a runner may list only the first
 *                   few of many (the counts stay exact), and a run without reports lists none
 * @param notes      what the runner could not read or had to leave out (a malformed, cut-short or
 *                   oversized report, a log that hit its size limit), one sentence each
 * @param outputTail the last lines of the run's output, bounded, for a person or an agent to read
 *                   without opening the log; may be empty
 * @param logFile    the file holding the run's whole output, when the runner wrote one
 */
public record CiResult(Status status, String commit, int passed, int failed, int errored, int skipped,
                       Duration duration, Instant finishedAt, String summary, List<TestFailure> failures,
                       List<String> notes, String outputTail, Optional<Path> logFile) {

    /** How a run ended. */
    public enum Status {
        PASSED, FAILED, ERROR, TIMED_OUT, SKIPPED;

        /** Whether the branch may move on to merging: it passed, or CI was not run for it. */
        public boolean isGreen() {
            return this == PASSED || this == SKIPPED;
        }
    }

    /**
     * Checks the value. Negative counts and null fields are programming errors of the runner that
     * made the result, so they throw {@link IllegalArgumentException} and {@link NullPointerException}
     * like the JDK's own values, not an {@link OrchestratorException}: no user input reaches here.
     */
    public CiResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(outputTail, "outputTail");
        Objects.requireNonNull(logFile, "logFile");
        failures = List.copyOf(failures);
        notes = List.copyOf(notes);
        if (passed < 0 || failed < 0 || errored < 0 || skipped < 0) {
            throw new IllegalArgumentException("test counts must not be negative, got passed=" + passed
                    + " failed=" + failed + " errored=" + errored + " skipped=" + skipped);
        }
    }

    /**
     * A result with counts and a summary only, as results were before runners read reports; the
     * engine uses it for runs that could not start.
     */
    public CiResult(Status status, String commit, int passed, int failed, int skipped,
                    Duration duration, Instant finishedAt, String summary) {
        this(status, commit, passed, failed, 0, skipped, duration, finishedAt, summary, List.of(), List.of(), "",
                Optional.empty());
    }

    /** Starts a result; counts default to 0, the finish time to now, the summary to {@link #counts()} and the first failure. */
    public static Builder builder(Status status, String commit) {
        return new Builder(status, commit);
    }

    /** Tests that did not pass: {@link #failed()} plus {@link #errored()}. */
    public int failing() {
        return failed + errored;
    }

    /**
     * The counts in words, leaving out zeros except {@code passed}: {@code 3 passed, 1 failed, 2 skipped};
     * {@code no tests counted} when every count is 0.
     */
    public String counts() {
        return counts(passed, failed, errored, skipped);
    }

    private static String counts(int passed, int failed, int errored, int skipped) {
        if (passed + failed + errored + skipped == 0) {
            return "no tests counted";
        }
        List<String> parts = new ArrayList<>();
        parts.add(passed + " passed");
        if (failed > 0) {
            parts.add(failed + " failed");
        }
        if (errored > 0) {
            parts.add(errored + " errored");
        }
        if (skipped > 0) {
            parts.add(skipped + " skipped");
        }
        return String.join(", ", parts);
    }

    /** Builds a {@link CiResult}; not thread-safe. */
    public static final class Builder {
        private static final int MESSAGE_IN_SUMMARY = 120;

        private final Status status;
        private final String commit;
        private int passed;
        private int failed;
        private int errored;
        private int skipped;
        private Duration duration = Duration.ZERO;
        private Instant finishedAt;
        private String summary;
        private List<TestFailure> failures = List.of();
        private List<String> notes = List.of();
        private String outputTail = "";
        private Optional<Path> logFile = Optional.empty();

        private Builder(Status status, String commit) {
            this.status = Objects.requireNonNull(status, "status");
            this.commit = Objects.requireNonNull(commit, "commit");
        }

        public Builder passed(int v) { passed = v; return this; }
        public Builder failed(int v) { failed = v; return this; }
        public Builder errored(int v) { errored = v; return this; }
        public Builder skipped(int v) { skipped = v; return this; }
        public Builder duration(Duration v) { duration = Objects.requireNonNull(v, "duration"); return this; }
        public Builder finishedAt(Instant v) { finishedAt = Objects.requireNonNull(v, "finishedAt"); return this; }
        /** Replaces the summary the builder would write; keep it to one line. */
        public Builder summary(String v) { summary = Objects.requireNonNull(v, "summary"); return this; }
        public Builder failures(List<TestFailure> v) { failures = List.copyOf(v); return this; }
        public Builder notes(List<String> v) { notes = List.copyOf(v); return this; }
        public Builder outputTail(String v) { outputTail = Objects.requireNonNull(v, "outputTail"); return this; }
        public Builder logFile(Path v) { logFile = Optional.of(v); return this; }

        /**
         * The summary {@link #build()} writes when none is set: the counts, then the first failing
         * test and the first line of its message, then how many more failed, as in
         * {@code 3 passed, 2 failed (AuthTest.refresh: expected 200 but was 401; +1 more)}.
         */
        public String defaultSummary() {
            int all = passed + failed + errored + skipped;
            StringBuilder line = new StringBuilder(all == 0 && failures.isEmpty()
                    ? status.name().toLowerCase().replace('_', ' ')
                    : counts(passed, failed, errored, skipped));
            if (!failures.isEmpty()) {
                TestFailure first = failures.get(0);
                line.append(" (").append(first.displayName());
                String message = firstLine(first.message());
                if (!message.isEmpty()) {
                    line.append(": ").append(message);
                }
                int more = Math.max(failed + errored, failures.size()) - 1;
                if (more > 0) {
                    line.append("; +").append(more).append(" more");
                }
                line.append(')');
            }
            return line.toString();
        }

        public CiResult build() {
            return new CiResult(status, commit, passed, failed, errored, skipped, duration,
                    finishedAt == null ? Instant.now() : finishedAt, summary == null ? defaultSummary() : summary,
                    failures, notes, outputTail, logFile);
        }

        private static String firstLine(String text) {
            String trimmed = text.strip();
            int newline = trimmed.indexOf('\n');
            String line = (newline >= 0 ? trimmed.substring(0, newline) : trimmed).strip();
            return line.length() <= MESSAGE_IN_SUMMARY ? line : line.substring(0, MESSAGE_IN_SUMMARY - 3) + "...";
        }
    }
}
