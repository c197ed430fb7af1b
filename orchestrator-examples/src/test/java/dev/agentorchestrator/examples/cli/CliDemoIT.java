package dev.agentorchestrator.examples.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `demo` runs the whole product offline and leaves a repository whose branches hold the demo agent's commits. */
class CliDemoIT {

    @TempDir
    Path tmp;

    @Test
    void theDemoRunsFourFeaturesToTheEnd() {
        Cli.Result r = new Cli(tmp).run("demo", "--dir", tmp.toString(), "--step-millis", "20").expect(0);
        for (String feature : new String[] {"auth-api", "dashboard-ui", "payments", "audit-log"}) {
            assertTrue(r.out().contains(feature), r.out());
        }
        assertTrue(r.out().contains("dashboard-ui asks:"), "the question is answered:\n" + r.out());
        assertTrue(r.out().contains("READY_TO_MERGE") && r.out().contains("passed"), r.out());
        Path repo = tmp.resolve("shop");
        String log = TestRepos.git(repo, "log", "--oneline", "feature/audit-log");
        assertTrue(log.contains("audit-log"), "the demo agent committed on the branch:\n" + log);
    }
}
