package dev.agentorchestrator.ci;

import dev.agentorchestrator.internal.ci.JUnitXmlReports;
import dev.agentorchestrator.internal.ci.ReportTally;
import java.nio.file.Path;

/** Reads one report in a JVM with a small heap and prints what it found: proof that memory stays bounded. */
public final class HugeReportChild {
    private HugeReportChild() {
    }

    public static void main(String[] args) {
        ReportTally tally = new ReportTally(50);
        new JUnitXmlReports(Long.MAX_VALUE).read(Path.of(args[0]), "huge.xml", tally);
        System.out.println(tally.passedCount() + " " + tally.failedCount() + " " + tally.failures().get(0).detail().length()
                + " " + tally.notes().size());
    }
}
