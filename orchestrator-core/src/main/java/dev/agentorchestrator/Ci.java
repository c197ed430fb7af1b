package dev.agentorchestrator;

import dev.agentorchestrator.ci.CommandCiRunner;
import dev.agentorchestrator.spi.CiRequest;
import dev.agentorchestrator.spi.CiRunner;
import java.util.List;

/**
 * Ready-made {@link CiRunner}s for {@link Orchestrator.Builder#ci(CiRunner)}.
 *
 * <pre>{@code
 * Orchestrator.builder().repo(repo)
 *         .ci(Ci.command("sh", "./mvnw", "-B", "verify").withLogDirectory(logs))
 *         ...
 * }</pre>
 */
public final class Ci {

    private Ci() {
    }

    /**
     * Runs this test command (no shell) in each worktree and reads the JUnit XML reports it writes;
     * see {@link CommandCiRunner} for the report globs, the time limit and the log file.
     */
    public static CommandCiRunner command(String... command) {
        return CommandCiRunner.of(List.of(command));
    }

    /** Picks the test command from each worktree's build files (mvnw, pom.xml, gradlew, package.json, Makefile). */
    public static CommandCiRunner detect() {
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
                return CiResult.builder(CiResult.Status.SKIPPED, request.commit())
                        .summary("no CI is configured (Ci.none()), so this commit was not tested;"
                                + " configure one with Orchestrator.builder().ci(Ci.command(\"./mvnw\", \"-B\", \"verify\"))"
                                + " or .ci(Ci.detect())").build();
            }
        };
    }
}
