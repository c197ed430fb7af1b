package dev.agentorchestrator;

import dev.agentorchestrator.ci.CommandCiRunner;
import dev.agentorchestrator.spi.CiRequest;
import dev.agentorchestrator.spi.CiRunner;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Ready-made {@link CiRunner}s for {@link Orchestrator.Builder#ci(CiRunner)}. */
public final class Ci {

    private Ci() {
    }

    /** Runs this test command (no shell) in each worktree; exit code 0 passes. */
    public static CiRunner command(String... command) {
        return CommandCiRunner.of(List.of(command));
    }

    /** Picks the test command from each worktree's build files (mvnw, pom.xml, gradlew, package.json, Makefile). */
    public static CiRunner detect() {
        return CommandCiRunner.detecting();
    }

    /** No CI: every branch counts as green. */
    public static CiRunner none() {
        return new CiRunner() {
            @Override
            public String name() {
                return "none";
            }

            @Override
            public CiResult run(CiRequest request) {
                return new CiResult(CiResult.Status.SKIPPED, request.commit(), 0, 0, 0, Duration.ZERO, Instant.now(),
                        "CI is switched off (Ci.none())");
            }
        };
    }
}
