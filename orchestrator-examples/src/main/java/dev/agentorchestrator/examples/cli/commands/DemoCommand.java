package dev.agentorchestrator.examples.cli.commands;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.Feature;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.StatusSnapshot;
import dev.agentorchestrator.examples.QuickStart;
import dev.agentorchestrator.examples.cli.CliException;
import dev.agentorchestrator.examples.cli.ExitCodes;
import dev.agentorchestrator.examples.cli.StatusTable;
import dev.agentorchestrator.examples.demo.DemoAgentLauncher;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The offline demo: a throwaway repository, the scripted demo agent (a real child process that
 * edits and commits), four features under a bound of two, one that asks a question and is
 * answered, CI on each branch, and the status redrawn live. Needs only a JDK.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the whole product offline on a throwaway repository with the scripted demo agent:"
                + " several features in parallel under a bound, live status, CI. Needs no network and no agent CLI.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR", description = "where to make the demo repository (default: a new temporary folder)")
    Path dir;
    @Option(names = "--step-millis", paramLabel = "MS", defaultValue = "300", description = "the demo agent's pause between steps (default ${DEFAULT-VALUE})")
    long stepMillis;
    @Option(names = "--parallel", paramLabel = "N", defaultValue = "2", description = "agents working at once (default ${DEFAULT-VALUE})")
    int parallel;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (parallel < 1 || stepMillis < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--parallel must be at least 1 and --step-millis not negative");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path root = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("agent-orchestrator-demo");
        Path repo = createDemoRepository(root.resolve("shop"));
        out.println("Demo repository: " + repo);
        boolean live = System.console() != null;
        AtomicBoolean changed = new AtomicBoolean(true);
        try (Orchestrator o = Orchestrator.builder()
                .repo(repo)
                .agent(new DemoAgentLauncher(Duration.ofMillis(stepMillis)))
                // A stand-in test run that passes and reports a count, so the CI column has something to show.
                .ci(Ci.command("sh", "-c", "ls features >/dev/null && echo '3 passed, 0 failed'"))
                .maxParallelSessions(parallel)
                .listener(e -> {
                    if (e instanceof OrchestratorEvent.StateChanged c) {
                        changed.set(true);
                        if (!live) {
                            out.printf("%-14s %-18s -> %-18s %s%n", c.session(), c.from(), c.to(), c.message());
                            out.flush();
                        }
                    }
                })
                .feature("auth-api", "Implement JWT authentication with refresh tokens")
                .feature("dashboard-ui", "Build an analytics dashboard with charts. ASK before adding tests.")
                .feature("payments", "Add a payments module")
                .feature(Feature.builder("audit-log", "Record every payment in an audit log").stackedOn("payments").build())
                .start()) {
            boolean answered = false;
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (true) {
                StatusSnapshot status = o.status();
                if (live && changed.getAndSet(false)) {
                    out.print("\033[H\033[2J");
                    out.println("agent-orchestrator demo: " + repo + "  (" + parallel + " at once)\n");
                    out.print(StatusTable.render(status.sessions(), Instant.now()));
                    out.flush();
                }
                if (!answered && status.session("dashboard-ui").map(s -> s.state() == SessionState.WAITING_FOR_INPUT).orElse(false)) {
                    out.println("dashboard-ui asks: " + o.session("dashboard-ui").message() + "  -> answering: yes, add tests");
                    o.prompt("dashboard-ui", "Yes, add tests for the dashboard.");
                    answered = true;
                    continue;
                }
                if (status.allSettled() && status.sessions().stream().allMatch(s -> s.pendingPrompts().isEmpty())) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new CliException(ExitCodes.FAILURE, "the demo did not finish within 5 minutes:\n" + status.toTable());
                }
                Thread.sleep(live ? 250 : 100);
            }
            StatusSnapshot done = o.awaitAll(Duration.ofMinutes(2));
            out.println();
            out.print(StatusTable.render(done.sessions(), Instant.now()));
            out.println();
            out.println("Branches: " + String.join(", ", done.sessions().stream().map(s -> s.branch()).toList()));
            out.println("Worktrees: " + repo.resolveSibling(repo.getFileName() + ".worktrees"));
            out.println("Merging through the merge queue arrives in a later version; merge a branch with git meanwhile.");
        }
        return ExitCodes.OK;
    }

    private static Path createDemoRepository(Path repo) throws Exception {
        return QuickStart.createDemoRepository(repo);
    }
}
