package dev.agentorchestrator.examples.bench;

import dev.agentorchestrator.ForecastMatrix;
import dev.agentorchestrator.git.GitCliBackend;
import dev.agentorchestrator.internal.coordination.ConflictForecaster;
import dev.agentorchestrator.jgit.JGitBackend;
import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.GitRepository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.DoubleStream;
import java.util.stream.Stream;

/**
 * The conflict forecast for 20 branches (190 pairs, plus each branch against {@code main}), cold
 * (an empty cache) and warm (one branch moved since the last refresh), with each backend, against
 * {@code git merge-tree --write-tree} over the same 190 pairs run by a plain process loop, all in
 * one run; prints a Markdown table and the ratios. The three contenders alternate within each
 * round, so that noise on a shared machine falls on all alike.
 *
 * <p>Each branch edits the first line of three files drawn from a pool of hot files (so some
 * pairs conflict) and adds a file of its own. Run from the repository root, like the worktree
 * benchmark ({@code docs/benchmarks.md}):
 * <pre>
 * ./mvnw -q -pl orchestrator-examples exec:exec@forecast-benchmark -Dbench.args="--rounds 5"
 * </pre>
 * or, without installing the modules, on the class path of a reactor build:
 * <pre>
 * ./mvnw -q -pl orchestrator-examples -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=cp.txt
 * java -cp "orchestrator-examples/target/classes:$(cat orchestrator-examples/cp.txt)" \
 *     dev.agentorchestrator.examples.bench.ForecastBenchmark --rounds 5
 * </pre>
 * Options: {@code --files 5000 --branches 20 --hot 60 --rounds 5 --warmup 1 --dir <folder> --keep}.
 */
public final class ForecastBenchmark {

    private record Options(int files, int branches, int hot, int rounds, int warmup, Path dir, boolean keep) {
    }

    private static final String LOOP = "git merge-tree --write-tree loop over the pairs";

    private ForecastBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(run(args));
    }

    /** Runs the benchmark and returns its report (Markdown), for {@code main} and the benchmark harness. */
    static String run(String[] args) throws Exception {
        Options o = parse(args);
        Path repo = o.dir().resolve("repo");
        System.err.printf(Locale.ROOT, "generating %d files and %d branches in %s ...%n", o.files(), o.branches(), repo);
        BenchmarkRepository.generate(repo, o.files(), 42);
        List<String> branches = makeBranches(repo, o);
        // The warm refresh follows a move of the first branch, between two commits made up front.
        String[] firstBranchTips = {rev(repo, branches.get(0)), rev(repo, "moved")};
        List<ConflictForecaster.Entry> entries = branches.stream()
                .map(b -> new ConflictForecaster.Entry(b.substring("bench/".length()), b, "main")).toList();
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        int conflicts = -1;
        try {
            for (int round = 0; round < o.warmup() + o.rounds(); round++) {
                boolean measured = round >= o.warmup();
                List<String> order = new ArrayList<>(List.of("git merge-tree loop", "jgit", "git-cli"));
                java.util.Collections.rotate(order, round);
                for (String contender : order) {
                    if (contender.equals("git merge-tree loop")) {
                        long start = System.nanoTime();
                        int conflicted = mergeTreeLoop(repo, branches);
                        record(samples, measured, LOOP, start);
                        System.err.printf(Locale.ROOT, "round %d: git merge-tree loop %d conflicting pairs%n",
                                round, conflicted);
                        continue;
                    }
                    GitBackend backend = contender.equals("jgit") ? new JGitBackend() : new GitCliBackend();
                    try (GitRepository r = backend.open(repo)) {
                        git(repo, "update-ref", "refs/heads/" + branches.get(0), firstBranchTips[0]);
                        ConflictForecaster forecaster = new ConflictForecaster(r, Runnable::run, update -> { });
                        long start = System.nanoTime();
                        ForecastMatrix cold = forecaster.refresh(entries);
                        record(samples, measured, contender + " forecast, cold", start);
                        conflicts = (int) cold.pairs().stream()
                                .filter(c -> c.outcome() == ForecastMatrix.Outcome.CONFLICT).count();
                        long missesBefore = forecaster.cacheMisses();
                        git(repo, "update-ref", "refs/heads/" + branches.get(0), firstBranchTips[1]);
                        start = System.nanoTime();
                        forecaster.refresh(entries);
                        record(samples, measured, contender + " forecast, warm (one branch moved)", start);
                        System.err.printf(Locale.ROOT, "round %d: %s cold %d conflicting pairs, warm recomputed %d"
                                + " cells%n", round, contender, conflicts, forecaster.cacheMisses() - missesBefore);
                    }
                }
            }
            git(repo, "update-ref", "refs/heads/" + branches.get(0), firstBranchTips[0]);
            return report(o, samples, conflicts);
        } finally {
            if (!o.keep()) {
                BenchSupport.deleteRecursively(o.dir());
            }
        }
    }

    private static void record(Map<String, List<Double>> samples, boolean measured, String what, long start) {
        double millis = (System.nanoTime() - start) / 1e6;
        if (measured) {
            samples.computeIfAbsent(what, k -> new ArrayList<>()).add(millis);
        }
    }

    /** What a script would do: one {@code git merge-tree --write-tree} per pair, one after another. */
    private static int mergeTreeLoop(Path repo, List<String> branches) throws IOException, InterruptedException {
        int conflicted = 0;
        for (int i = 0; i < branches.size(); i++) {
            for (int j = i + 1; j < branches.size(); j++) {
                Process p = new ProcessBuilder("git", "merge-tree", "--write-tree", "--name-only",
                        branches.get(i), branches.get(j)).directory(repo.toFile()).redirectErrorStream(true).start();
                p.getOutputStream().close();
                p.getInputStream().readAllBytes();
                if (!p.waitFor(1, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IOException("git merge-tree hung");
                }
                if (p.exitValue() == 1) {
                    conflicted++;
                } else if (p.exitValue() != 0) {
                    throw new IOException("git merge-tree failed with exit " + p.exitValue());
                }
            }
        }
        return conflicted;
    }

    /**
     * Branches {@code bench/bNN} off main, each replacing the first line of three hot files and
     * adding a file, plus {@code moved}: the first branch with one more commit. One fast-import.
     */
    private static List<String> makeBranches(Path repo, Options o) throws IOException, InterruptedException {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(repo)) {
            all = walk.filter(Files::isRegularFile).filter(p -> !repo.relativize(p).startsWith(".git"))
                    .sorted(Comparator.comparing(Path::toString)).toList();
        }
        Random random = new Random(7);
        List<Path> hot = new ArrayList<>(all);
        java.util.Collections.shuffle(hot, random);
        hot = hot.subList(0, Math.min(o.hot(), hot.size()));
        StringBuilder in = new StringBuilder();
        List<String> names = new ArrayList<>();
        for (int b = 0; b < o.branches(); b++) {
            String name = String.format(Locale.ROOT, "bench/b%02d", b);
            names.add(name);
            commit(in, name, "main", b);
            for (int k = 0; k < 3; k++) {
                Path file = hot.get(random.nextInt(hot.size()));
                modify(in, repo, file, "edited on " + name);
            }
            inline(in, "added/" + name + ".txt", "added on " + name + "\n");
            in.append('\n');
        }
        commit(in, "moved", names.get(0), 99);
        inline(in, "added/" + names.get(0) + "-more.txt", "one more commit\n");
        in.append('\n');
        Process p = new ProcessBuilder("git", "fast-import", "--quiet").directory(repo.toFile())
                .redirectErrorStream(true).start();
        try (var stdin = p.getOutputStream()) {
            stdin.write(in.toString().getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("git fast-import failed: " + out);
        }
        return names;
    }

    private static void commit(StringBuilder in, String branch, String from, int n) {
        in.append("commit refs/heads/").append(branch).append('\n')
                .append("committer Benchmark <bench@example.invalid> ").append(1_700_000_000L + n).append(" +0000\n")
                .append("data <<EOM\nbranch ").append(branch).append("\nEOM\n")
                .append("from refs/heads/").append(from).append('\n');
    }

    private static void modify(StringBuilder in, Path repo, Path file, String firstLine) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        inline(in, repo.relativize(file).toString(), firstLine + (nl < 0 ? "\n" : text.substring(nl)));
    }

    private static void inline(StringBuilder in, String path, String content) {
        in.append("M 100644 inline ").append(path).append('\n')
                .append("data ").append(content.getBytes(StandardCharsets.UTF_8).length).append('\n')
                .append(content).append('\n');
    }

    private static String report(Options o, Map<String, List<Double>> samples, int conflicts) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Conflict forecast for %d branches (%d pairs, %d of them conflicting,"
                        + " plus each branch against main); repository of %d files; %d measured rounds after %d"
                        + " warm-up; %d cores, Java %s, %s.%n%n", o.branches(), o.branches() * (o.branches() - 1) / 2,
                conflicts, o.files(), o.rounds(), o.warmup(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), BenchSupport.gitVersion()));
        out.append("| what | median (ms) | min (ms) |\n| --- | ---: | ---: |\n");
        samples.forEach((what, list) -> out.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f |%n", what,
                median(list), min(list))));
        List<Double> loop = samples.get(LOOP);
        out.append('\n');
        for (String backend : List.of("jgit", "git-cli")) {
            List<Double> cold = samples.get(backend + " forecast, cold");
            List<Double> warm = samples.get(backend + " forecast, warm (one branch moved)");
            if (loop == null || cold == null || warm == null) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "%s: cold / git merge-tree loop = %.2f (goal: at most 1);"
                            + " git merge-tree loop / warm = %.1fx (goal: at least 10x); medians.%n", backend,
                    median(cold) / median(loop), median(loop) / median(warm)));
        }
        out.append("\nThe git-cli backend starts one `git merge-tree` process per recomputed cell (the same process the"
                + " baseline loop starts, plus this JVM's own work and one `for-each-ref` per refresh), so its cold"
                + " forecast cannot be cheaper than the loop and its warm one (20 recomputed cells) cannot be much more"
                + " than 190 / 20 = 9.5 times faster; git 2.40's `merge-tree --stdin` would let one process merge many"
                + " pairs. The JGit backend (the default when orchestrator-jgit is on the class path) merges in memory.\n");
        return out.toString();
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return 0;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    private static String rev(Path repo, String revision) throws IOException, InterruptedException {
        return git(repo, "rev-parse", revision).strip();
    }

    private static String git(Path repo, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static Options parse(String[] raw) throws IOException {
        // exec:exec passes -Dbench.args as one argument (or unexpanded when it is not set).
        List<String> args = BenchSupport.arguments(raw);
        int files = 5000;
        int branches = 20;
        int hot = 60;
        int rounds = 5;
        int warmup = 1;
        Path dir = null;
        boolean keep = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--files" -> files = Integer.parseInt(args.get(++i));
                case "--branches" -> branches = Integer.parseInt(args.get(++i));
                case "--hot" -> hot = Integer.parseInt(args.get(++i));
                case "--rounds" -> rounds = Integer.parseInt(args.get(++i));
                case "--warmup" -> warmup = Integer.parseInt(args.get(++i));
                case "--dir" -> dir = Path.of(args.get(++i)).toAbsolutePath();
                case "--keep" -> keep = true;
                default -> throw new IllegalArgumentException("Unknown option '" + a + "'. Options: --files N"
                        + " --branches N --hot N --rounds N --warmup N --dir FOLDER --keep");
            }
        }
        if (branches < 2) {
            throw new IllegalArgumentException("--branches must be at least 2");
        }
        if (dir == null) {
            dir = Files.createTempDirectory("forecast-benchmark");
        } else if (Files.exists(dir.resolve("repo"))) {
            throw new IllegalArgumentException(dir.resolve("repo") + " already exists; pass an empty --dir");
        }
        return new Options(files, branches, hot, rounds, warmup, dir, keep);
    }

}
