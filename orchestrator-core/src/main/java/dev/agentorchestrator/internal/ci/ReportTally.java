package dev.agentorchestrator.internal.ci;

import dev.agentorchestrator.TestFailure;
import java.util.ArrayList;
import java.util.List;

/**
 * What the reports of one run add up to: counts, the first failing tests, and notes on what could
 * not be read. Bounded: a run with ten thousand failures keeps exact counts but lists only the
 * first {@code maxFailures}.
 */
public final class ReportTally {
    private static final int MAX_NOTES = 20;

    private final int maxFailures;
    private int passed;
    private int failed;
    private int errored;
    private int skipped;
    private int reportsRead;
    private final List<TestFailure> failures = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private int notesLeftOut;

    public ReportTally(int maxFailures) {
        this.maxFailures = maxFailures;
    }

    void passed() {
        passed++;
    }

    void skipped() {
        skipped++;
    }

    void failing(TestFailure failure) {
        if (failure.kind() == TestFailure.Kind.ERRORED) {
            errored++;
        } else {
            failed++;
        }
        if (failures.size() < maxFailures) {
            failures.add(failure);
        }
    }

    void reportRead() {
        reportsRead++;
    }

    /** Adds a note for the result; past a few dozen only their number is kept. */
    public void note(String note) {
        if (notes.size() < MAX_NOTES) {
            notes.add(note);
        } else {
            notesLeftOut++;
        }
    }

    public int passedCount() {
        return passed;
    }

    public int failedCount() {
        return failed;
    }

    public int erroredCount() {
        return errored;
    }

    public int skippedCount() {
        return skipped;
    }

    public int total() {
        return passed + failed + errored + skipped;
    }

    /** Reports parsed, including ones that broke off part way. */
    public int reportsRead() {
        return reportsRead;
    }

    public List<TestFailure> failures() {
        return List.copyOf(failures);
    }

    public List<String> notes() {
        List<String> all = new ArrayList<>(notes);
        if (failed + errored > failures.size()) {
            all.add((failed + errored) + " tests did not pass; the first " + failures.size() + " are listed");
        }
        if (notesLeftOut > 0) {
            all.add(notesLeftOut + " more notes left out");
        }
        return List.copyOf(all);
    }
}
