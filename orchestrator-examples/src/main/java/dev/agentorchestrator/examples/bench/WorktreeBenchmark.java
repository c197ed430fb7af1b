package dev.agentorchestrator.examples.bench;

import dev.agentorchestrator.git.GitCliBackend;
import dev.agentorchestrator.jgit.JGitBackend;
import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.GitRepository;
import dev.agentorchestrator.spi.WorktreeRequest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Creates and removes worktrees with each {@link GitBackend} in one run and prints a Markdown
 * table: how long "create N worktrees, then remove them and delete their branches" takes, per
 * backend, and the JGit/git-CLI ratio. Backends alternate round by round (and which goes first
 * alternates too), so that noise on a shared machine falls on both alike.
 *
 * <p>Run from the repository root (see {@code docs/benchmarks.md}):
 * <pre>
 * ./mvnw -q -pl orchestrator-examples -am install -DskipTests
 * ./mvnw -q -pl orchestrator-examples exec:exec@worktree-benchmark -Dbench.args="--rounds 7"
 * </pre>
 * Options: {@code --files 5000 --worktrees 8 --rounds 5 --warmup 1 --dir <folder> --keep}.
 */
public final class WorktreeBenchmark {

    private record Options(int files, int worktrees, int rounds, int warmup, Path dir, boolean keep) {
    }

    /** One measured round of one backend, in milliseconds, and its peak heap growth in bytes. */
    private record Sample(double createMillis, double removeMillis, long peakHeapDelta) {
        double totalMillis() {
            return createMillis + removeMillis;
        }
    }

    private WorktreeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(run(args));
    }

    /** Runs the benchmark with these options and returns its Markdown report (used by {@link Benchmarks} too). */
    static String run(String[] args) throws IOException, InterruptedException {
        Options options = parse(args);
        Path repoDir = options.dir().resolve("repo");
        System.err.printf(Locale.ROOT, "generating %d files in %s ...%n", options.files(), repoDir);
        long bytes = BenchmarkRepository.generate(repoDir, options.files(), 42);
        List<GitBackend> backends = List.of(new GitCliBackend(), new JGitBackend());
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        backends.forEach(b -> samples.put(b.name(), new ArrayList<>()));
        try {
            for (int round = 0; round < options.warmup() + options.rounds(); round++) {
                boolean measured = round >= options.warmup();
                List<GitBackend> order = new ArrayList<>(backends);
                if (round % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                for (GitBackend backend : order) {
                    Sample s = runRound(backend, repoDir, options, round);
                    System.err.printf(Locale.ROOT, "%s round %d%s: create %.0f ms, remove %.0f ms%n", backend.name(),
                            round, measured ? "" : " (warm-up)", s.createMillis(), s.removeMillis());
                    if (measured) {
                        samples.get(backend.name()).add(s);
                    }
                }
            }
            return report(options, bytes, samples);
        } finally {
            if (!options.keep()) {
                BenchSupport.deleteRecursively(options.dir());
            }
        }
    }

    private static Sample runRound(GitBackend backend, Path repoDir, Options options, int round) throws IOException {
        Path parent = repoDir.resolveSibling("worktrees-" + backend.name() + "-" + round);
        List<WorktreeRequest> requests = new ArrayList<>();
        for (int i = 0; i < options.worktrees(); i++) {
            requests.add(new WorktreeRequest(parent.resolve("wt" + i), "bench/" + backend.name() + "/" + round + "/" + i,
                    "main"));
        }
        try (GitRepository repo = backend.open(repoDir)) {
            List<MemoryPoolMXBean> heap = heapPools();
            long before = used(heap);
            heap.forEach(MemoryPoolMXBean::resetPeakUsage);
            long start = System.nanoTime();
            for (WorktreeRequest r : requests) {
                repo.createWorktree(r);
            }
            long created = System.nanoTime();
            for (WorktreeRequest r : requests) {
                repo.removeWorktree(r.path(), false);
                repo.deleteBranch(r.branch(), false);
            }
            long removed = System.nanoTime();
            long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            return new Sample((created - start) / 1e6, (removed - created) / 1e6, Math.max(0, peak - before));
        } finally {
            BenchSupport.deleteRecursively(parent);
        }
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    }

    private static long used(List<MemoryPoolMXBean> pools) {
        return pools.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    }

    private static String report(Options o, long bytes, Map<String, List<Sample>> samples) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Create %d worktrees, then remove them (force=false) and delete their"
                        + " branches; repository of %d files (%.1f MB), %d measured rounds after %d warm-up,"
                        + " %d cores, Java %s, %s.%n%n", o.worktrees(), o.files(), bytes / 1e6, o.rounds(),
                o.warmup(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                BenchSupport.gitVersion()));
        out.append("| backend | create median (ms) | remove median (ms) | total median (ms) | total min (ms)"
                + " | per worktree, median (ms) | peak heap growth, median (MB) |\n");
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        samples.forEach((name, list) -> out.append(String.format(Locale.ROOT,
                "| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |%n", name,
                median(list.stream().mapToDouble(Sample::createMillis)),
                median(list.stream().mapToDouble(Sample::removeMillis)),
                median(list.stream().mapToDouble(Sample::totalMillis)),
                list.stream().mapToDouble(Sample::totalMillis).min().orElse(0),
                median(list.stream().mapToDouble(Sample::totalMillis)) / o.worktrees(),
                median(list.stream().mapToDouble(s -> s.peakHeapDelta() / 1e6)))));
        List<Sample> cli = samples.get("git-cli");
        List<Sample> jgit = samples.get(JGitBackend.NAME);
        if (cli != null && jgit != null && !cli.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nJGit / git-CLI ratio: total median %.2f, total min %.2f,"
                            + " create median %.2f, remove median %.2f (below 1 means JGit is faster).%n",
                    median(jgit.stream().mapToDouble(Sample::totalMillis)) / median(cli.stream().mapToDouble(Sample::totalMillis)),
                    jgit.stream().mapToDouble(Sample::totalMillis).min().orElse(0)
                            / cli.stream().mapToDouble(Sample::totalMillis).min().orElse(1),
                    median(jgit.stream().mapToDouble(Sample::createMillis)) / median(cli.stream().mapToDouble(Sample::createMillis)),
                    median(jgit.stream().mapToDouble(Sample::removeMillis)) / median(cli.stream().mapToDouble(Sample::removeMillis))));
        }
        return out.toString();
    }

    private static double median(java.util.stream.DoubleStream values) {
        double[] v = values.sorted().toArray();
        if (v.length == 0) {
            return 0;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static Options parse(String[] raw) throws IOException {
        // exec:exec passes -Dbench.args as one argument (or unexpanded when it is not set); split
        // it so that both that and plain command-line arguments work.
        List<String> args = BenchSupport.arguments(raw);
        int files = 5000;
        int worktrees = 8;
        int rounds = 5;
        int warmup = 1;
        Path dir = null;
        boolean keep = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--files" -> files = Integer.parseInt(args.get(++i));
                case "--worktrees" -> worktrees = Integer.parseInt(args.get(++i));
                case "--rounds" -> rounds = Integer.parseInt(args.get(++i));
                case "--warmup" -> warmup = Integer.parseInt(args.get(++i));
                case "--dir" -> dir = Path.of(args.get(++i)).toAbsolutePath();
                case "--keep" -> keep = true;
                default -> throw new IllegalArgumentException("Unknown option '" + a + "'. Options: --files N"
                        + " --worktrees N --rounds N --warmup N --dir FOLDER --keep");
            }
        }
        if (dir == null) {
            dir = Files.createTempDirectory("worktree-benchmark");
        } else if (Files.exists(dir.resolve("repo"))) {
            throw new IllegalArgumentException(dir.resolve("repo") + " already exists; pass an empty --dir");
        }
        return new Options(files, worktrees, rounds, warmup, dir, keep);
    }

}
