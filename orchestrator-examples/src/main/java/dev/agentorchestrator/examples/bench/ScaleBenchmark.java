package dev.agentorchestrator.examples.bench;

import static dev.agentorchestrator.examples.bench.BenchSupport.fmt;

import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.Agents;
import dev.agentorchestrator.Ci;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.StatusSnapshot;
import dev.agentorchestrator.examples.bench.BenchSupport.Stats;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Part 3: 100 sessions whose agents print many lines and commit a few files. Events per second
 * through the listener API (none lost or reordered per session), how late they arrive, and
 * {@code status()} per call in process once they are settled.
 */
final class ScaleBenchmark {

    private final Path root;
    private final int sessions;
    private final int linesPerAgent;

    ScaleBenchmark(Path root, int sessions, int linesPerAgent) {
        this.root = root;
        this.sessions = sessions;
        this.linesPerAgent = linesPerAgent;
    }

    /** What one listener saw of one session. Touched only on that listener's thread. */
    private static final class Seen {
        long lastRevision = -1;
        int lastLine;
        int lines;
        int revisionsOutOfOrder;
        int linesOutOfOrder;
    }

    private String agentOutput() {
        return "seq 1 " + linesPerAgent + " | sed 's/^/line /'";
    }

    String run() throws IOException {
        Path repo = BenchSupport.smallRepository(root.resolve("scale/repo"));
        Map<String, Seen> seen = new ConcurrentHashMap<>();
        AtomicLong total = new AtomicLong();
        AtomicLong first = new AtomicLong();
        AtomicLong last = new AtomicLong();
        List<Double> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        Orchestrator.Builder builder = Orchestrator.builder().repo(repo)
                .agent(Agents.command("bash", "-c", agentOutput() + "; " + BenchSupport.commitScript(3), "{prompt}"))
                .ci(Ci.none())
                .maxParallelSessions(sessions)
                .listener(e -> {
                    long now = System.nanoTime();
                    first.compareAndSet(0, now);
                    last.set(now);
                    total.incrementAndGet();
                    Seen s = seen.computeIfAbsent(e.session(), k -> new Seen());
                    long revision = -1;
                    if (e instanceof OrchestratorEvent.StateChanged c) {
                        revision = c.revision();
                    } else if (e instanceof OrchestratorEvent.SessionUpdated u) {
                        revision = u.snapshot().revision();
                    } else if (e instanceof OrchestratorEvent.FeatureAdded f) {
                        revision = f.snapshot().revision();
                    }
                    if (revision >= 0) {
                        if (revision <= s.lastRevision) {
                            s.revisionsOutOfOrder++;
                        }
                        s.lastRevision = revision;
                    }
                    if (e instanceof OrchestratorEvent.AgentActivity a && a.event() instanceof AgentEvent.AssistantText t
                            && t.text().startsWith("line ")) {
                        int n = Integer.parseInt(t.text().substring(5).strip());
                        if (n != s.lastLine + 1) {
                            s.linesOutOfOrder++;
                        }
                        s.lastLine = n;
                        s.lines++;
                        latencies.add(Duration.between(a.at(), Instant.now()).toNanos() / 1e6);
                    }
                });
        for (int i = 0; i < sessions; i++) {
            builder.feature("s" + i, "work " + i);
        }
        StringBuilder out = new StringBuilder();
        long t0 = System.nanoTime();
        try (Orchestrator o = builder.start()) {
            StatusSnapshot settled = o.awaitAll(Duration.ofMinutes(15));
            double wall = (System.nanoTime() - t0) / 1e6;
            long ready = settled.sessions().stream().filter(s -> s.state() == SessionState.READY_TO_MERGE).count();
            awaitQuiet(total);
            int lost = 0;
            int reordered = 0;
            for (int i = 0; i < sessions; i++) {
                Seen s = seen.getOrDefault("s" + i, new Seen());
                lost += linesPerAgent - s.lines;
                reordered += s.revisionsOutOfOrder + s.linesOutOfOrder;
            }
            double span = (last.get() - first.get()) / 1e9;
            double bare = bareLinesPerSecond();
            double agentLines = (double) sessions * linesPerAgent;
            Stats latency;
            synchronized (latencies) {
                latency = Stats.of(latencies);
            }
            double[] sortedLatency = List.copyOf(latencies).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double p99 = sortedLatency.length == 0 ? Double.NaN : sortedLatency[(int) (sortedLatency.length * 0.99)];
            out.append(fmt("%d sessions, bound %d, each agent prints %d lines (`seq | sed`), writes 3 files and"
                            + " commits; `Ci.none()`. All settled in %.1f s, %d READY_TO_MERGE.%n%n", sessions, sessions,
                    linesPerAgent, wall / 1000, ready));
            out.append("| figure | ours | baseline | ratio |\n| --- | ---: | ---: | ---: |\n");
            out.append(fmt("| events received by one listener | %d | | |%n", total.get()));
            out.append(fmt("| agent lines lost / reordered or revisions out of order (summed over sessions) | %d / %d | 0 / 0 | |%n",
                    lost, reordered));
            out.append(fmt("| events per second at the listener (first to last event) | %.0f | | |%n", total.get() / span));
            out.append(fmt("| agent lines per second: ours through the listener (whole run, worktrees included)"
                    + " against the same %d commands run bare, read line by line by this JVM | %.0f | %.0f | %.2f |%n",
                    sessions, agentLines / span, bare, agentLines / span / bare));
            out.append(fmt("| delay from an AgentActivity's publication to the listener, ms: median (min to max), p99"
                    + " | %s, p99 %.1f | | |%n", latency.format(1), p99));
            statusFigures(o, out);
        }
        out.append("\nThe CLI's `status` in a fresh process is section 6d, against `git status` on the same repository.\n");
        return out.toString();
    }

    /** {@code status()} per call, against the floor: copying the 100 sessions into a new snapshot. */
    private static void statusFigures(Orchestrator o, StringBuilder out) {
        List<Session> list = o.status().sessions();
        int warm = 500;
        int calls = 3000;
        double[] ours = new double[calls];
        double[] floor = new double[calls];
        long sink = 0;
        for (int i = 0; i < warm + calls; i++) {
            long a = System.nanoTime();
            StatusSnapshot s = o.status();
            long b = System.nanoTime();
            StatusSnapshot f = new StatusSnapshot(Instant.now(), new ArrayList<>(list));
            long c = System.nanoTime();
            sink += s.sessions().size() + f.sessions().size();
            if (i >= warm) {
                ours[i - warm] = (b - a) / 1e3;
                floor[i - warm] = (c - b) / 1e3;
            }
        }
        Stats so = Stats.of(ours);
        Stats sf = Stats.of(floor);
        Arrays.sort(ours);
        out.append(fmt("| `status()` per call with %d sessions, µs: median (min to max); floor = copying the"
                        + " same sessions into a new `StatusSnapshot` | %s, p99 %.0f | %s | %.1f |%n", sink > 0 ? list.size() : 0,
                so.format(1), ours[(int) (calls * 0.99)], sf.format(1), so.median() / Math.max(0.001, sf.median())));
    }

    /** Waits until the listener has had nothing new for a moment, so that late events are counted. */
    private static void awaitQuiet(AtomicLong total) {
        long seen = -1;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && total.get() != seen) {
            seen = total.get();
            try {
                Thread.sleep(300); // a benchmark waits for a quiet listener; there is no condition to poll
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The floor: the same output commands, all at once, each read line by line by a thread of this JVM. */
    private double bareLinesPerSecond() throws IOException {
        Path dir = Files.createDirectories(root.resolve("scale/bare"));
        long t0 = System.nanoTime();
        List<Thread> readers = new ArrayList<>();
        AtomicLong lines = new AtomicLong();
        for (int i = 0; i < sessions; i++) {
            Process p = new ProcessBuilder("bash", "-c", agentOutput()).directory(dir.toFile()).start();
            p.getOutputStream().close();
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    while (r.readLine() != null) {
                        lines.incrementAndGet();
                    }
                    p.waitFor();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            readers.add(t);
        }
        for (Thread t : readers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        return lines.get() / ((System.nanoTime() - t0) / 1e9);
    }
}
