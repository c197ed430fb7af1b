package dev.agentorchestrator.examples.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `demo` runs the quick start's scenario through the jar: four features, the red CI run fixed by
 * a reaction, the overlap and the forecast conflict, the question answered, the merge queue
 * merging three and refusing one; the repository it leaves has the merges on main.
 */
class CliDemoIT {

    @TempDir
    Path tmp;

    @Test
    void theDemoRunsTheQuickStartScenarioToTheMergeQueue() {
        Cli.Result r = new Cli(tmp).run("demo", "--dir", tmp.toString(), "--step-millis", "20").expect(0);
        String out = r.out();
        for (String seen : new String[] {"auth-api", "dashboard-ui", "payments", "audit-log", "CI RED", "reaction ", "OVERLAP:",
            "FORECAST:", "dashboard-ui asks:", "Merging every ready feature through the merge queue", "3 of 4 features merged"}) {
            assertTrue(out.contains(seen), "'" + seen + "' in:\n" + out);
        }
        Path repo = tmp.resolve("shop");
        String main = TestRepos.git(repo, "log", "--oneline", "main");
        assertTrue(main.contains("payments") || main.contains("Merge"), "main has the merged features:\n" + main);
    }
}
