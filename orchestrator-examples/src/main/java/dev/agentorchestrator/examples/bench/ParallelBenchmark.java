package dev.agentorchestrator.examples.bench;

import static dev.agentorchestrator.examples.bench.BenchSupport.fmt;

import dev.agentorchestrator.Agents;
import dev.agentorchestrator.Ci;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.examples.bench.BenchSupport.Stats;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parts 1 and 2: N scripted agents that each work W seconds, with the bound set to N and no CI,
 * from {@code start()} to every session READY_TO_MERGE, against the ideal (W) and against a shell
 * script that makes the same N worktrees with {@code git worktree add} and starts the same agent
 * command in each, all in parallel. From the same runs' events: the time to the first agent output
 * of each session, split into its parts.
 */
final class ParallelBenchmark {

    /** One round of one N: our wall time and the baseline's, in ms, the split of each session, the thread peak. */
    record Round(int n, double oursMillis, double baselineMillis, List<FirstOutput> firstOutputs, int extraThreads) {
    }

    /** Where the time to a session's first agent output went, in ms from {@code start()}. */
    record FirstOutput(double queue, double worktree, double setup, double launch, double firstLine, double total) {
    }

    private final Path root;
    private final int workSeconds;

    ParallelBenchmark(Path root, int workSeconds) {
        this.root = root;
        this.workSeconds = workSeconds;
    }

    /** Runs a warm-up, then {@code rounds} rounds of every N (ours and the baseline alternate which goes first). */
    List<Round> run(List<Integer> ns, int rounds, int warmup) throws IOException {
        List<Round> results = new ArrayList<>();
        int index = 0;
        for (int w = 0; w < warmup; w++) {
            int n = Math.min(3, ns.get(ns.size() - 1));
            Round r = round(n, index++, w % 2 == 0);
            Benchmarks.progress("parallel warm-up N=%d: ours %.0f ms, baseline %.0f ms", n, r.oursMillis(), r.baselineMillis());
        }
        for (int round = 0; round < rounds; round++) {
            for (int n : ns) {
                Round r = round(n, index++, (round + n) % 2 == 0);
                Benchmarks.progress("parallel round %d N=%d: ours %.0f ms, baseline %.0f ms", round, n, r.oursMillis(),
                        r.baselineMillis());
                results.add(r);
            }
        }
        return results;
    }

    private Round round(int n, int index, boolean oursFirst) throws IOException {
        Path dir = root.resolve("parallel-" + index);
        try {
            double ours = 0;
            double baseline = 0;
            Ours result = null;
            for (int turn = 0; turn < 2; turn++) {
                if ((turn == 0) == oursFirst) {
                    result = ours(n, dir.resolve("ours"));
                    ours = result.wallMillis();
                } else {
                    baseline = baseline(n, dir.resolve("baseline"));
                }
            }
            return new Round(n, ours, baseline, result.firstOutputs(), result.extraThreads());
        } finally {
            BenchSupport.deleteRecursively(dir);
        }
    }

    private String agentScript() {
        // Prints a first line at once (the "first output"), works W seconds, then commits a few files.
        return "echo started; sleep " + workSeconds + "; " + BenchSupport.commitScript(3);
    }

    private record Ours(double wallMillis, List<FirstOutput> firstOutputs, int extraThreads) {
    }

    private Ours ours(int n, Path dir) throws IOException {
        Path repo = BenchSupport.smallRepository(dir.resolve("repo"));
        Map<String, List<OrchestratorEvent>> events = new ConcurrentHashMap<>();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int threadsBefore = threads.getThreadCount();
        threads.resetPeakThreadCount();
        Orchestrator.Builder builder = Orchestrator.builder().repo(repo)
                .agent(Agents.command("bash", "-c", agentScript(), "{prompt}"))
                .ci(Ci.none())
                .maxParallelSessions(n)
                .listener(e -> events.computeIfAbsent(e.session(), k -> Collections.synchronizedList(new ArrayList<>())).add(e));
        for (int i = 0; i < n; i++) {
            builder.feature("f" + i, "work " + i);
        }
        Instant start = Instant.now();
        try (Orchestrator o = builder.start()) {
            o.awaitAll(Duration.ofSeconds(workSeconds + 600L));
            int peak = threads.getPeakThreadCount();
            List<FirstOutput> firsts = new ArrayList<>();
            Instant lastReady = start;
            for (int i = 0; i < n; i++) {
                String name = "f" + i;
                if (o.session(name).state() != SessionState.READY_TO_MERGE) {
                    throw new IllegalStateException(name + " ended " + o.session(name).state() + ": " + o.session(name).message());
                }
                List<OrchestratorEvent> list = waitForReady(events, name);
                synchronized (list) {
                    for (OrchestratorEvent e : list) {
                        if (e instanceof OrchestratorEvent.StateChanged c && c.to() == SessionState.READY_TO_MERGE
                                && c.at().isAfter(lastReady)) {
                            lastReady = c.at();
                        }
                    }
                    firsts.add(firstOutput(start, list));
                }
            }
            return new Ours(millis(start, lastReady), firsts, peak - threadsBefore);
        }
    }

    /** The listener runs on its own thread: wait until it has seen the session's READY_TO_MERGE. */
    private static List<OrchestratorEvent> waitForReady(Map<String, List<OrchestratorEvent>> events, String name) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<OrchestratorEvent> list = events.get(name);
            if (list != null) {
                synchronized (list) {
                    if (list.stream().anyMatch(e -> e instanceof OrchestratorEvent.StateChanged c
                            && c.to() == SessionState.READY_TO_MERGE)) {
                        return list;
                    }
                }
            }
            Thread.onSpinWait();
        }
        throw new IllegalStateException("no READY_TO_MERGE event for " + name + " within 30 s after awaitAll");
    }

    /**
     * Queue: start() to CREATING_WORKTREE; worktree: to the update that stores the worktree; setup:
     * to the last update before RUNNING (the setup-done write; no setup command is set); launch: to
     * RUNNING (the process started and its handle stored); first line: to the first AgentActivity.
     */
    private static FirstOutput firstOutput(Instant start, List<OrchestratorEvent> list) {
        Instant creating = null;
        Instant worktree = null;
        Instant setup = null;
        Instant running = null;
        Instant first = null;
        for (OrchestratorEvent e : list) {
            if (e instanceof OrchestratorEvent.StateChanged c) {
                if (c.to() == SessionState.CREATING_WORKTREE && creating == null) {
                    creating = c.at();
                } else if (c.to() == SessionState.RUNNING && running == null) {
                    running = c.at();
                }
            } else if (e instanceof OrchestratorEvent.SessionUpdated u && creating != null && running == null) {
                if (worktree == null && u.snapshot().worktree().isPresent()) {
                    worktree = u.at();
                } else if (worktree != null) {
                    setup = u.at();
                }
            } else if (e instanceof OrchestratorEvent.AgentActivity a && first == null) {
                first = a.at();
            }
        }
        if (creating == null || running == null || first == null) {
            throw new IllegalStateException("missing events for " + list.get(0).session() + ": " + list);
        }
        worktree = worktree == null ? creating : worktree;
        setup = setup == null ? worktree : setup;
        // The first line is read on the agent's own thread and may be published before RUNNING is.
        Instant firstAfter = first.isBefore(running) ? running : first;
        return new FirstOutput(millis(start, creating), millis(creating, worktree), millis(worktree, setup),
                millis(setup, running), millis(running, firstAfter), millis(start, first));
    }

    /** The same N worktrees and agents from a shell script, each worktree and agent in parallel, no orchestrator. */
    private double baseline(int n, Path dir) throws IOException {
        Path repo = BenchSupport.smallRepository(dir.resolve("repo"));
        // git cannot add worktrees of one repository concurrently (its locks make some fail), so the
        // script adds them one after another and starts each agent in the background as soon as its
        // worktree is there, as the orchestrator's own workers are free to do.
        String script = "set -e\npids=\n"
                + "for i in $(seq 0 " + (n - 1) + "); do\n"
                + "  git worktree add -q -b feature/f$i ../worktrees/f$i main\n"
                + "  ( cd ../worktrees/f$i && bash -c '" + agentScript() + "' \"work $i\" >/dev/null ) &\n"
                + "  pids=\"$pids $!\"\n"
                + "done\n"
                + "for p in $pids; do wait $p; done\n";
        Path file = dir.resolve("baseline.sh");
        Files.writeString(file, script);
        long t0 = System.nanoTime();
        BenchSupport.run(repo, "bash", file.toString());
        double wall = (System.nanoTime() - t0) / 1e6;
        String commits = BenchSupport.run(repo, "git", "rev-list", "--count", "--branches=feature/*", "^main").strip();
        if (!commits.equals(String.valueOf(n))) {
            throw new IllegalStateException("the baseline's agents made " + commits + " commits, not " + n);
        }
        return wall;
    }

    private static double millis(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    /** Parts 1 and 2 as Markdown. */
    String report(List<Round> rounds, List<Integer> ns) {
        double w = workSeconds * 1000.0;
        StringBuilder out = new StringBuilder();
        out.append(fmt("N agents each work W = %d s (`bash -c 'echo started; sleep %d; <write 3 files and commit>'`),"
                + " bound = N, `Ci.none()`, default git backend; wall time from `start()` to the last READY_TO_MERGE."
                + " Baseline in the same run: a shell script that, for each of the N, runs `git worktree add` (one"
                + " after another: git fails on concurrent adds to one repository) and starts the same agent command"
                + " in it in the background, so the N agents work in parallel. Overhead = wall − W. %d measured rounds"
                + " per N; median (min to max).%n%n", workSeconds, workSeconds, rounds.size() / Math.max(1, ns.size())));
        out.append("| N | ours wall (ms) | baseline wall (ms) | ideal W (ms) | serial N×W (ms) | speed-up vs serial"
                + " | ours overhead (ms) | baseline overhead (ms) | overhead ratio ours/baseline | ours overhead per"
                + " session (ms) | baseline overhead per session (ms) | extra JVM threads at peak |\n");
        out.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        Map<Integer, double[]> perSession = new TreeMap<>();
        Map<Integer, Double> ratios = new TreeMap<>();
        Map<Integer, String> spreads = new TreeMap<>();
        for (int n : ns) {
            List<Round> mine = rounds.stream().filter(r -> r.n() == n).toList();
            Stats ours = Stats.of(mine.stream().mapToDouble(Round::oursMillis).toArray());
            Stats base = Stats.of(mine.stream().mapToDouble(Round::baselineMillis).toArray());
            Stats oursOver = Stats.of(mine.stream().mapToDouble(r -> r.oursMillis() - w).toArray());
            Stats baseOver = Stats.of(mine.stream().mapToDouble(r -> r.baselineMillis() - w).toArray());
            double ratio = oursOver.median() / Math.max(1, baseOver.median());
            ratios.put(n, ratio);
            if (oursOver.min() <= baseOver.max()) {
                spreads.put(n, fmt(" (within the rounds' spread: ours %.0f to %.0f ms, the baseline %.0f to %.0f ms, so"
                        + " the median ratio is noise as much as cost)", oursOver.min(), oursOver.max(), baseOver.min(),
                        baseOver.max()));
            }
            perSession.put(n, new double[] {oursOver.median() / n, baseOver.median() / n});
            out.append(fmt("| %d | %s | %s | %.0f | %.0f | %.2f | %s | %s | **%.2f** | %.0f | %.0f | %.0f |%n", n,
                    ours.format(0), base.format(0), w, n * w, n * w / ours.median(), oursOver.format(0),
                    baseOver.format(0), ratio, oursOver.median() / n, baseOver.median() / n,
                    Stats.of(mine.stream().mapToDouble(Round::extraThreads).toArray()).median()));
        }
        out.append("\n**Goal 1: our overhead at most 1.2 × the baseline's.** ");
        ratios.forEach((n, r) -> out.append(fmt("N=%d: %.2f %s. ", n, r, r <= 1.2 ? "met"
                : fmt("missed by %.0f%%", (r / 1.2 - 1) * 100) + spreads.getOrDefault(n, ""))));
        if (perSession.containsKey(8) && perSession.containsKey(32)) {
            double at8 = perSession.get(8)[0];
            double at32 = perSession.get(32)[0];
            double growth = at32 / Math.max(1e-9, at8);
            out.append(fmt("%n%n**Goal 2: overhead per session flat from N=8 to N=32** (taken as: at N=32 at most"
                    + " 1.2 × at N=8): %.0f ms → %.0f ms, ×%.2f, %s (the baseline's: %.0f ms → %.0f ms, ×%.2f).%n",
                    at8, at32, growth, growth <= 1.2 ? "met" : fmt("missed by %.0f%%", (growth / 1.2 - 1) * 100),
                    perSession.get(8)[1], perSession.get(32)[1], perSession.get(32)[1] / Math.max(1e-9, perSession.get(8)[1])));
        } else {
            out.append("\n\nGoal 2 (flat from N=8 to N=32) needs both N=8 and N=32 in the run; not measured here.\n");
        }
        return out.toString();
    }

    /** Part 2 as Markdown: the time to each session's first agent output, split. */
    String firstOutputReport(List<Round> rounds, List<Integer> ns) {
        StringBuilder out = new StringBuilder();
        out.append("From the events of the runs above (`StateChanged`, `SessionUpdated` and `AgentActivity`"
                + " timestamps), per session, in ms; median over every session of every measured round"
                + " (max in brackets). Queue: `start()` to CREATING_WORKTREE; worktree: to the write that stores"
                + " the worktree; setup: to the setup-done write (no setup command is set, so this is the cost of"
                + " one store write); launch: to RUNNING (process started, handle stored); first line: RUNNING to"
                + " the first `AgentActivity` (the agent prints at once). The baseline is the same shell"
                + " script's cost per session (its overhead / N), the floor for \"worktree + start a process\".\n\n");
        out.append("| N | queue | worktree | setup | launch | first line | total to first output"
                + " | baseline overhead per session | total / baseline |\n");
        out.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        double w = workSeconds * 1000.0;
        for (int n : ns) {
            List<Round> mine = rounds.stream().filter(r -> r.n() == n).toList();
            List<FirstOutput> all = mine.stream().flatMap(r -> r.firstOutputs().stream()).toList();
            double base = Stats.of(mine.stream().mapToDouble(r -> (r.baselineMillis() - w) / n).toArray()).median();
            Stats total = Stats.of(all.stream().mapToDouble(FirstOutput::total).toArray());
            out.append(fmt("| %d | %s | %s | %s | %s | %s | %s | %.0f | %.2f |%n", n,
                    cell(all.stream().mapToDouble(FirstOutput::queue).toArray()),
                    cell(all.stream().mapToDouble(FirstOutput::worktree).toArray()),
                    cell(all.stream().mapToDouble(FirstOutput::setup).toArray()),
                    cell(all.stream().mapToDouble(FirstOutput::launch).toArray()),
                    cell(all.stream().mapToDouble(FirstOutput::firstLine).toArray()),
                    cell(all.stream().mapToDouble(FirstOutput::total).toArray()), base,
                    total.median() / Math.max(1, base)));
        }
        return out.toString();
    }

    private static String cell(double[] values) {
        Stats s = Stats.of(values);
        return fmt("%.0f (%.0f)", s.median(), s.max());
    }
}
