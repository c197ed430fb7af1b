package dev.agentorchestrator.examples.bench;

import static dev.agentorchestrator.examples.bench.BenchSupport.fmt;

import dev.agentorchestrator.Agents;
import dev.agentorchestrator.Ci;
import dev.agentorchestrator.MergeResult;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The merge queue: N ready features merged through {@code mergeAll()} with batches of k against
 * one at a time (batch size 1), both testing every merge result with a CI command that takes a
 * fixed time ({@code sleep}), in the same run. Two queues: all green, and one bad feature whose
 * merge result fails (found by the retry and the bisection). The figure that matters is the number
 * of CI runs, which the time follows; the ratio is one-at-a-time time over batched time.
 */
final class MergeQueueBenchmark {

    private final Path root;
    private final int features;
    private final int batch;
    private final double ciSeconds;
    private final int rounds;

    MergeQueueBenchmark(Path root, int features, int batch, double ciSeconds, int rounds) {
        this.root = root;
        this.features = features;
        this.batch = batch;
        this.ciSeconds = ciSeconds;
        this.rounds = rounds;
    }

    private record Run(double seconds, int ciRuns, int merged) {
    }

    String run() throws IOException {
        Map<String, List<Run>> results = new LinkedHashMap<>();
        int round = 0;
        for (int r = 0; r < rounds; r++) {
            for (boolean withBad : new boolean[] {false, true}) {
                // Alternate the order within a round, so that noise on a shared machine falls on both alike.
                int[] sizes = r % 2 == 0 ? new int[] {1, batch} : new int[] {batch, 1};
                for (int k : sizes) {
                    Run run = once(root.resolve("merge-queue/" + round++), k, withBad);
                    results.computeIfAbsent(key(withBad, k), x -> new ArrayList<>()).add(run);
                    Benchmarks.progress("  merge queue %s: %.1f s, %d CI runs", key(withBad, k), run.seconds(), run.ciRuns());
                }
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(fmt("%d ready features, each adding a file of its own; `mergeAll()` tests every merge result with a CI"
                + " command that sleeps %.1f s (the stand-in for a test suite); median (min to max) of %d round(s), the"
                + " batched and the one-at-a-time queue alternating within each round.%n%n", features, ciSeconds, rounds));
        out.append("| queue | batch size | merge-test CI runs | merged | time to merge all, s | one at a time / batched |\n");
        out.append("| --- | --- | --- | --- | --- | --- |\n");
        for (boolean withBad : new boolean[] {false, true}) {
            BenchSupport.Stats single = BenchSupport.Stats.of(results.get(key(withBad, 1)).stream().map(Run::seconds).toList());
            for (int k : new int[] {1, batch}) {
                List<Run> runs = results.get(key(withBad, k));
                BenchSupport.Stats t = BenchSupport.Stats.of(runs.stream().map(Run::seconds).toList());
                out.append(fmt("| %s | %d | %d | %d of %d | %s | %s |%n", withBad ? "one bad feature" : "all green", k,
                        runs.get(0).ciRuns(), runs.get(0).merged(), features, t.format(1),
                        k == 1 ? "1 (baseline)" : fmt("%.2f", single.median() / t.median())));
            }
        }
        out.append(fmt("%nWith one bad feature the batched queue spends its savings on the retry (a flaky test is ruled"
                + " out first) and on bisecting down to the culprit; every feature but the culprit still merges.%n"));
        return out.toString();
    }

    private static String key(boolean withBad, int k) {
        return (withBad ? "bad" : "green") + "/" + k;
    }

    private Run once(Path dir, int k, boolean withBad) throws IOException {
        Path repo = BenchSupport.smallRepository(dir.resolve("repo"));
        String agent = "echo \"$0\" > \"$0.txt\"; git add -A && git " + String.join(" ", BenchSupport.GIT_IDENTITY)
                + " commit -q -m \"$0\"";
        String ci = "case \"$PWD\" in *.merge-test-*) sleep " + ciSeconds + "; test ! -f bad.txt ;; esac";
        AtomicInteger ciRuns = new AtomicInteger();
        Orchestrator.Builder builder = Orchestrator.builder().repo(repo).agent(Agents.command("bash", "-c", agent, "{prompt}"))
                .ci(Ci.command("bash", "-c", ci)).reactions().maxParallelSessions(4).mergeBatchSize(k)
                .listener(e -> {
                    if (e instanceof OrchestratorEvent.MergeTesting t && t.batch().get(0).equals(t.session())) {
                        ciRuns.incrementAndGet();
                    }
                });
        for (int i = 0; i < features; i++) {
            boolean bad = withBad && i == features / 2;
            builder.feature(fmt("f%02d", i), bad ? "bad" : fmt("f%02d", i));
        }
        try (Orchestrator o = builder.start()) {
            o.awaitAll(Duration.ofMinutes(10));
            long start = System.nanoTime();
            List<MergeResult> results = o.mergeAll();
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Run(seconds, ciRuns.get(), (int) results.stream().filter(MergeResult::merged).count());
        }
    }
}
