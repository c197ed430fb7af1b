package dev.agentorchestrator.examples;

import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.Feature;
import dev.agentorchestrator.ForecastMatrix;
import dev.agentorchestrator.MergeResult;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Overlap;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.StatusSnapshot;
import dev.agentorchestrator.examples.demo.DemoAgentLauncher;
import dev.agentorchestrator.examples.demo.DemoProject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.eclipse.jgit.api.errors.GitAPIException;

/**
 * The quick start: makes a small git repository with a real test, and runs four features through
 * the fluent API with the offline demo agent, two at a time. Along the way:
 * <ul>
 *   <li>{@code payments}' first attempt leaves a TODO that the project's test rejects; the red CI
 *       run goes back to the agent (the default reaction), which fixes it, and CI goes green;</li>
 *   <li>{@code auth-api} and {@code dashboard-ui} both register a route in {@code src/routes.txt}:
 *       the overlap is reported and the forecast says their merge would conflict there;</li>
 *   <li>{@code dashboard-ui} asks a question and is answered;</li>
 *   <li>{@code audit-log} waits until {@code payments} is ready to merge.</li>
 * </ul>
 * It prints every state change, CI result, reaction, overlap and forecast conflict, then the
 * forecast and the final status.
 *
 * <p>Run it with {@code ./mvnw -q install -DskipTests && ./mvnw -q -pl orchestrator-examples exec:java}
 * (or pass a folder to keep the repository: {@code -Dexec.args=/tmp/demo}).
 */
public final class QuickStart {

    /** The session whose first attempt fails its tests. */
    public static final String FLAKY_FEATURE = "payments";

    /** The two sessions that edit {@link DemoProject#ROUTES}. */
    public static final List<String> OVERLAPPING_FEATURES = List.of("auth-api", "dashboard-ui");

    private static final Duration DEADLINE = Duration.ofMinutes(5);

    private QuickStart() {
    }

    /**
     * What a run of the quick start saw.
     *
     * @param repository the demo repository
     * @param events     every event the orchestrator published, in the order the listener got them
     * @param status     the status once every feature was done, with the overlaps and the forecast
     * @param merges     what the merge queue did with each feature
     */
    public record Run(Path repository, List<OrchestratorEvent> events, StatusSnapshot status, List<MergeResult> merges) {
        public Run {
            Objects.requireNonNull(repository, "repository");
            events = List.copyOf(events);
            Objects.requireNonNull(status, "status");
            merges = List.copyOf(merges);
        }
    }

    public static void main(String[] args) throws Exception {
        Path root = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("agent-orchestrator-demo");
        run(root, Duration.ofMillis(300), System.out);
    }

    /** The demo's four features: one fails its tests at first, two share a file, one is stacked on another. */
    public static List<Feature> features() {
        return List.of(
                Feature.of("auth-api", "Implement JWT authentication with refresh tokens; register its routes in "
                        + DemoProject.ROUTES),
                Feature.of("dashboard-ui", "Build an analytics dashboard with charts; register its page in "
                        + DemoProject.ROUTES + ". ASK before adding tests."),
                Feature.of(FLAKY_FEATURE, "Add a payments module that rounds amounts to cents (leave a TODO on the first try)"),
                // Stacked: it starts on the payments branch at once and follows its fix (issue 17).
                Feature.builder("audit-log", "Record every payment in an audit log").stackedOn(FLAKY_FEATURE).build());
    }

    /**
     * Issue 15: someone renames the refused feature's branch by hand; the orchestrator notices
     * before the next action on it, says what differs and how to fix it, and repair() adopts the
     * new name instead of silently starting a new branch from main.
     */
    private static String renamedByHand(Orchestrator o, List<MergeResult> merges, Path repo, PrintStream out) throws IOException {
        String name = merges.stream().filter(m -> !m.merged()).map(MergeResult::feature).findFirst().orElse(null);
        if (name == null) {
            return null;
        }
        String branch = o.session(name).branch();
        String renamed = "wip/" + name;
        out.println();
        out.println("Someone renames " + branch + " to " + renamed + " by hand (git branch -m):");
        // The git binary, as a person would: it also moves the worktree's HEAD to the new name.
        Process rename = new ProcessBuilder("git", "branch", "-m", branch, renamed).directory(repo.toFile())
                .redirectErrorStream(true).start();
        try {
            String said = new String(rename.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (rename.waitFor() != 0) {
                throw new IOException("git branch -m " + branch + " " + renamed + " failed: " + said);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while renaming " + branch, e);
        }
        o.drift(name).ifPresent(d -> out.println("  the orchestrator notices: " + d));
        Session repaired = o.repair(name);
        out.println("  repair(\"" + name + "\"): the session's branch is now " + repaired.branch() + ", its commits kept");
        return name;
    }

    /**
     * A person takes the refused feature over to resolve it by hand (what the command line's
     * {@code attach} does): while it is held no turn starts, and a prompt sent meanwhile waits
     * until the release.
     */
    private static void handedToAPerson(Orchestrator o, String name, PrintStream out) {
        out.println();
        Session held = o.hold(name, "a person resolves the conflict by hand in " + o.session(name).worktree().orElseThrow());
        out.println("hold(\"" + name + "\"): " + held.attention());
        Session waiting = o.prompt(name, "Rebase on main and resolve the conflict.");
        out.println("  a prompt sent meanwhile waits: " + waiting.pendingPrompts().size() + " pending, state " + waiting.state());
        o.release(name);
        Session after = o.await(name, DEADLINE);
        out.println("release(\"" + name + "\"): the prompt ran; " + name + " is " + after.state() + ": " + oneLine(after.message()));
    }

    /**
     * Runs the demo in a new repository under {@code root}, the demo agent pausing {@code step}
     * between its steps, printing to {@code out}.
     */
    public static Run run(Path root, Duration step, PrintStream out) throws IOException, GitAPIException {
        Path repo = createDemoRepository(root.resolve("shop"));
        out.println("Demo repository: " + repo);
        List<OrchestratorEvent> seen = new ArrayList<>();
        Orchestrator.Builder builder = Orchestrator.builder()
                .repo(repo)
                .agent(new DemoAgentLauncher(step))
                .ci(DemoProject.ci(root.resolve("ci-logs")))
                .maxParallelSessions(2)
                .listener(e -> {
                    synchronized (seen) {
                        seen.add(e);
                    }
                    print(e, out);
                });
        features().forEach(builder::feature);
        try (Orchestrator o = builder.start()) {
            Session asking = o.await("dashboard-ui", DEADLINE);
            if (asking.state() == SessionState.WAITING_FOR_INPUT) {
                out.println("dashboard-ui asks: " + asking.message() + "  -> answering: yes, add tests");
                o.prompt("dashboard-ui", "Yes, add tests for the dashboard.");
            }
            o.awaitAll(DEADLINE);
            // The forecast and the overlaps are computed in the background after the last commits;
            // wait until they cover every branch's final head, and the listener has seen it all.
            waitFor("the forecast of the final branches", () -> forecastIsCurrent(o.status()));
            StatusSnapshot status = o.status();
            waitFor("the listener to catch up", () -> caughtUp(snapshot(seen), status));
            out.println();
            out.println("Conflict forecast (pairs of branches, and each branch into main):");
            out.print(status.forecast().toTable());
            out.println();
            out.print(status.toTable());
            out.println();
            out.println();
            out.println("Merging every ready feature through the merge queue (each merge result is tested first):");
            List<MergeResult> merges = o.mergeAll();
            for (MergeResult m : merges) {
                out.printf("%-14s %-24s %s%n", m.feature(), m.outcome(), oneLine(m.message()));
            }
            out.println();
            out.print(o.status().toTable());
            out.println("main is at " + o.status().sessions().stream().filter(x -> x.state() == SessionState.MERGED).count()
                    + " merged feature(s); the refused one keeps its branch and worktree for its agent to resolve.");
            String refused = renamedByHand(o, merges, repo, out);
            if (refused != null) {
                handedToAPerson(o, refused, out);
            }
            return new Run(repo, snapshot(seen), status, merges);
        }
    }

    /** Makes the demo shop repository the quick start and the {@code demo} command work on (see {@link DemoProject}). */
    public static Path createDemoRepository(Path repo) throws IOException, GitAPIException {
        return DemoProject.create(repo);
    }

    private static void print(OrchestratorEvent e, PrintStream out) {
        String line = null;
        if (e instanceof OrchestratorEvent.StateChanged c) {
            line = String.format("%-18s -> %-18s %s", c.from(), c.to(), oneLine(c.message()));
        } else if (e instanceof OrchestratorEvent.SlotAcquired s) {
            line = "took an agent slot (" + s.inUse() + " of " + s.max() + " in use)";
        } else if (e instanceof OrchestratorEvent.CiFinished c) {
            line = "CI " + (c.result().status().isGreen() ? "green" : "RED") + " on " + shortId(c.result()) + ": "
                    + oneLine(c.result().summary());
        } else if (e instanceof OrchestratorEvent.ReactionTaken r) {
            line = "reaction " + r.reaction() + " (attempt " + r.attempt() + "): " + oneLine(r.action());
        } else if (e instanceof OrchestratorEvent.FilesOverlap f) {
            line = "OVERLAP: " + String.join(", ", f.otherSessions()) + " also change(s) " + String.join(", ", f.files());
        } else if (e instanceof OrchestratorEvent.ForecastChanged f && f.cell().outcome() != ForecastMatrix.Outcome.CLEAN) {
            line = "FORECAST: merging with " + f.other() + " would " + (f.cell().outcome() == ForecastMatrix.Outcome.CONFLICT
                    ? "CONFLICT in " + String.join(", ", f.cell().conflictingPaths())
                    : "be unknown: " + f.cell().reason().orElse(""));
        }
        if (line != null) {
            out.printf("%-14s %s%n", e.session(), line);
        }
    }

    /** True when the forecast and the overlaps were computed from every session's final (tested) commit. */
    private static boolean forecastIsCurrent(StatusSnapshot status) {
        return status.sessions().stream().allMatch(s -> s.lastCi()
                .map(ci -> ci.commit().equals(status.forecast().heads().get(s.name()))).orElse(true));
    }

    /**
     * True when the listener has had every session's last change, every overlap and every forecast
     * conflict of {@code status}: events reach it on another thread, after the state they report.
     */
    private static boolean caughtUp(List<OrchestratorEvent> events, StatusSnapshot status) {
        for (Session s : status.sessions()) {
            boolean seen = events.stream().anyMatch(e -> e instanceof OrchestratorEvent.StateChanged c && c.session().equals(s.name())
                    && c.revision() >= s.revision() || e instanceof OrchestratorEvent.SessionUpdated u
                    && u.session().equals(s.name()) && u.snapshot().revision() >= s.revision());
            if (!seen) {
                return false;
            }
        }
        for (Overlap o : status.overlaps()) {
            if (events.stream().noneMatch(e -> e instanceof OrchestratorEvent.FilesOverlap f && o.involves(f.session())
                    && f.files().containsAll(o.files()))) {
                return false;
            }
        }
        for (ForecastMatrix.Cell c : status.forecast().conflicts()) {
            if (events.stream().noneMatch(e -> e instanceof OrchestratorEvent.ForecastChanged f && f.cell().equals(c))) {
                return false;
            }
        }
        return true;
    }

    private static List<OrchestratorEvent> snapshot(List<OrchestratorEvent> seen) {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    /** Polls the condition until it holds; gives up after 30 s and goes on, since the demo's run is already done. */
    private static void waitFor(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                System.err.println("gave up waiting for " + what);
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String shortId(CiResult r) {
        return r.commit().substring(0, Math.min(7, r.commit().length()));
    }

    private static String oneLine(String text) {
        String line = text.strip().replace('\n', ' ');
        return line.length() > 110 ? line.substring(0, 107) + "..." : line;
    }
}
