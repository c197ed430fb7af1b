package dev.agentorchestrator.examples.bench;

import static dev.agentorchestrator.examples.bench.BenchSupport.fmt;

import dev.agentorchestrator.Agents;
import dev.agentorchestrator.Ci;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.StatusSnapshot;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Part 4: the heap an orchestrator keeps per idle session (retained after collections), and the
 * heap of a session whose agent prints a large transcript, against the same command read bare.
 */
final class MemoryBenchmark {

    private final Path root;
    private final int sessions;
    private final int outputMegabytes;

    MemoryBenchmark(Path root, int sessions, int outputMegabytes) {
        this.root = root;
        this.sessions = sessions;
        this.outputMegabytes = outputMegabytes;
    }

    String run() throws IOException {
        StringBuilder out = new StringBuilder();
        idle(out);
        transcript(out);
        return out.toString();
    }

    private void idle(StringBuilder out) throws IOException {
        // Each figure is a difference of two measurements taken back to back (with, then without the
        // thing measured), so what earlier sections left in this JVM cancels out: measured against a
        // "bare JVM" figure taken first, the earlier version printed negative sizes.
        long empty;
        try (Orchestrator o = Orchestrator.builder().repo(BenchSupport.smallRepository(root.resolve("memory/empty")))
                .agent(Agents.command("true")).ci(Ci.none()).start()) {
            o.status();
            empty = BenchSupport.retainedHeap();
        }
        long emptyClosed = BenchSupport.retainedHeap();
        Orchestrator.Builder b = Orchestrator.builder().repo(BenchSupport.smallRepository(root.resolve("memory/idle")))
                .agent(Agents.command("bash", "-c", "echo working; " + BenchSupport.commitScript(3), "{prompt}"))
                .ci(Ci.none()).maxParallelSessions(Math.min(sessions, 16));
        for (int i = 0; i < sessions; i++) {
            b.feature("m" + i, "work " + i);
        }
        long full;
        long ready;
        StatusSnapshot held;
        try (Orchestrator o = b.start()) {
            ready = o.awaitAll(Duration.ofMinutes(15)).sessions().stream()
                    .filter(s -> s.state() == SessionState.READY_TO_MERGE).count();
            held = o.status(); // the baseline: the host's own view of the same sessions, one snapshot
            full = BenchSupport.retainedHeap();
        }
        long snapshotOnly = BenchSupport.retainedHeap(); // the engine is closed; the host still holds its snapshot
        java.lang.ref.Reference.reachabilityFence(held);
        held = null;
        long nothing = BenchSupport.retainedHeap();
        double perSession = (full - nothing) / (double) sessions;
        double viewPerSession = (snapshotOnly - nothing) / (double) sessions;
        out.append(fmt("Heap retained after `System.gc()` rounds (`MemoryMXBean`), in the same JVM, in KB; each"
                + " figure is the difference between two measurements taken one after the other, with and without"
                + " what is measured. %d idle sessions (all settled, %d READY_TO_MERGE), each with a worktree, a"
                + " commit of 3 files and a short transcript.%n%n", sessions, ready));
        out.append("| figure | ours | baseline | ratio |\n| --- | ---: | ---: | ---: |\n");
        out.append(fmt("| engine with no session (open, against closed) | %.0f | | |%n", (empty - emptyClosed) / 1e3));
        out.append(fmt("| engine with %d idle sessions (open, against closed) | %.0f | | |%n", sessions, (full - nothing) / 1e3));
        out.append(fmt("| per idle session, against one `Session` snapshot held by a host (one `status()` / %d)"
                + " | %.1f | %.1f | %.1f |%n", sessions, perSession / 1e3, viewPerSession / 1e3,
                perSession / Math.max(1, viewPerSession)));
    }

    private void transcript(StringBuilder out) throws IOException {
        // Lines of about 200 bytes, like an agent's JSON lines; head cuts the stream at the size.
        String produce = "yes '{\"type\":\"assistant\",\"text\":\"" + "x".repeat(160) + "\"}' | head -c " + outputMegabytes + "M";
        Path repo = BenchSupport.smallRepository(root.resolve("memory/transcript"));
        long bareBefore = BenchSupport.retainedHeap();
        BenchSupport.resetPeaks();
        long t0 = System.nanoTime();
        long bareLines = bare(produce);
        double bareSeconds = (System.nanoTime() - t0) / 1e9;
        long barePeak = BenchSupport.peakHeap() - bareBefore;
        try (Orchestrator o = Orchestrator.builder().repo(repo)
                .agent(Agents.command("bash", "-c", produce + "; " + BenchSupport.commitScript(1), "{prompt}"))
                .ci(Ci.none()).start()) {
            long before = BenchSupport.retainedHeap();
            BenchSupport.resetPeaks();
            long t1 = System.nanoTime();
            o.addFeature("big", "print a lot");
            SessionState end = o.await("big", Duration.ofMinutes(15)).state();
            double seconds = (System.nanoTime() - t1) / 1e9;
            long peak = BenchSupport.peakHeap() - before;
            long after = BenchSupport.retainedHeap();
            long logBytes = transcriptBytes(repo);
            out.append(fmt("%nOne session whose agent prints %d MB (%d lines of about 200 bytes) and commits; no"
                            + " listener. Baseline: the same command started by this JVM and read line by line"
                            + " (the floor for reading it). Peak = the sum of the heap pools' peaks during the run over"
                            + " the retained heap before it (an upper bound).%n%n", outputMegabytes, bareLines));
            out.append("| figure | ours | baseline | ratio |\n| --- | ---: | ---: | ---: |\n");
            out.append(fmt("| session ended | %s | | |%n", end));
            out.append(fmt("| transcript on disk (MB) | %.1f | | |%n", logBytes / 1e6));
            out.append(fmt("| retained heap before → after (MB) | %.1f → %.1f (%+.1f) | | |%n", before / 1e6,
                    after / 1e6, (after - before) / 1e6));
            // A floor under 1 MB is noise of the measurement: the ratio is against at least 1 MB.
            out.append(fmt("| peak heap growth during the run (MB; the ratio's floor is at least 1 MB) | %.0f | %.0f | %.1f |%n",
                    peak / 1e6, barePeak / 1e6, peak / (double) Math.max(1_000_000, barePeak)));
            out.append(fmt("| wall time (s) | %.1f | %.1f | %.1f |%n", seconds, bareSeconds, seconds / bareSeconds));
        }
    }

    private static long bare(String produce) throws IOException {
        Process p = new ProcessBuilder("bash", "-c", produce).start();
        p.getOutputStream().close();
        long lines = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            while (r.readLine() != null) {
                lines++;
            }
        }
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return lines;
    }

    /** The transcripts are under the common git dir; the one session's is the only large one. */
    private static long transcriptBytes(Path repo) throws IOException {
        Path logs = repo.resolve(".git/agent-orchestrator/logs");
        if (!Files.isDirectory(logs)) {
            return -1;
        }
        try (Stream<Path> files = Files.list(logs)) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
