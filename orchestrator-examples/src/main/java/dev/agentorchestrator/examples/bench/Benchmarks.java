package dev.agentorchestrator.examples.bench;

import static dev.agentorchestrator.examples.bench.BenchSupport.fmt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The benchmark harness: runs every part (or those named by {@code --only}) and regenerates
 * {@code docs/benchmarks.md}. Every figure is set against a baseline measured in the same run.
 *
 * <pre>
 * ./mvnw -q install -DskipTests && ./mvnw -q -pl orchestrator-examples exec:exec@benchmarks
 * ./mvnw -q -pl orchestrator-examples exec:exec@benchmarks -Dbench.args="--only parallel,parsing"
 * </pre>
 * Options: {@code --out FILE} (the file to regenerate), {@code --only PARTS} (comma-separated:
 * parallel (parts 1 and 2), scale, memory, parsing, worktree, forecast, merge-queue, cli; the other sections of an existing
 * file are kept), {@code --quick} (tiny settings: N=1, W=0, few sessions, no JMH fork), {@code
 * --rounds R}, {@code --warmup R}, {@code --n 1,3,8,32}, {@code --work SECONDS}, {@code --sessions S},
 * {@code --output-mb MB}, {@code --dir FOLDER} (scratch folder, deleted afterwards).
 */
public final class Benchmarks {

    /** The sections in file order: their marker id and their title. */
    static final Map<String, String> SECTIONS = new LinkedHashMap<>();

    static {
        SECTIONS.put("parallel", "1. Parallel speed-up against the ideal, and 2. time to first agent output");
        SECTIONS.put("scale", "3. Status and events at scale");
        SECTIONS.put("memory", "4. Memory");
        SECTIONS.put("parsing", "5. Agent output parsing");
        SECTIONS.put("worktree", "6a. Worktree create and remove: JGit backend against the git binary");
        SECTIONS.put("forecast", "6b. Conflict forecast");
        SECTIONS.put("merge-queue", "6c. Merge queue");
        SECTIONS.put("cli", "6d. CLI status against git status");
    }

    static final String COMMAND = "./mvnw -q install -DskipTests && ./mvnw -q -pl orchestrator-examples exec:exec@benchmarks";

    record Settings(Path out, Set<String> only, boolean quick, int rounds, int warmup, List<Integer> ns, int work,
                    int sessions, int lines, int outputMegabytes, Path dir) {
    }

    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        run(parse(args));
    }

    static void progress(String format, Object... args) {
        System.err.println(fmt(format, args));
    }

    /** Runs the chosen parts and rewrites the file; returns the file written. */
    static Path run(Settings s) throws Exception {
        Map<String, String> bodies = new LinkedHashMap<>();
        String machine = BenchSupport.machine();
        String date = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        Files.createDirectories(s.dir());
        try {
            for (String id : SECTIONS.keySet()) {
                if (!s.only().contains(id)) {
                    continue;
                }
                long t0 = System.nanoTime();
                progress("== %s", SECTIONS.get(id));
                String body = section(id, s);
                bodies.put(id, fmt("_Measured %s%s in %.0f s. Machine: %s._%n%n%s", date,
                        s.quick() ? " with --quick (tiny settings: the figures mean nothing)" : "",
                        (System.nanoTime() - t0) / 1e9, machine, body));
            }
        } finally {
            BenchSupport.deleteRecursively(s.dir());
        }
        String existing = Files.exists(s.out()) ? Files.readString(s.out(), StandardCharsets.UTF_8) : "";
        Files.createDirectories(s.out().toAbsolutePath().getParent());
        Files.writeString(s.out(), document(bodies, existing), StandardCharsets.UTF_8);
        progress("wrote %s", s.out());
        return s.out();
    }

    private static String section(String id, Settings s) throws Exception {
        switch (id) {
            case "parallel" -> {
                ParallelBenchmark p = new ParallelBenchmark(s.dir(), s.work());
                List<ParallelBenchmark.Round> rounds = p.run(s.ns(), s.rounds(), s.warmup());
                return p.report(rounds, s.ns()) + "\n### 2. Time to first agent output, per session\n\n"
                        + p.firstOutputReport(rounds, s.ns());
            }
            case "scale" -> {
                return new ScaleBenchmark(s.dir(), s.sessions(), s.lines()).run();
            }
            case "memory" -> {
                return new MemoryBenchmark(s.dir(), s.sessions(), s.outputMegabytes()).run();
            }
            case "parsing" -> {
                return ParsingBenchmark.run(s.quick());
            }
            case "forecast" -> {
                String[] args = s.quick()
                        ? new String[] {"--files", "50", "--branches", "4", "--rounds", "1", "--warmup", "0"}
                        : new String[] {"--files", "5000", "--branches", "20", "--rounds", "3", "--warmup", "1"};
                return "`ForecastBenchmark " + String.join(" ", args) + "`: the forecast for every pair of 20 branches,"
                        + " cold and warm (one branch moved), on each backend, against a plain loop of"
                        + " `git merge-tree --write-tree` over the same pairs, in the same run.\n\n"
                        + ForecastBenchmark.run(concat(args, "--dir", s.dir().resolve("forecast").toString()));
            }
            case "worktree" -> {
                String[] args = s.quick()
                        ? new String[] {"--files", "50", "--worktrees", "2", "--rounds", "1", "--warmup", "0"}
                        : new String[] {"--files", "1000", "--worktrees", "8", "--rounds", "3", "--warmup", "1"};
                return "`WorktreeBenchmark " + String.join(" ", args) + "` (the harness's smaller settings; run the"
                        + " class alone with `exec:exec@worktree-benchmark` for the full 5,000-file repository).\n\n"
                        + WorktreeBenchmark.run(concat(args, "--dir", s.dir().resolve("worktree").toString())) + "\n"
                        + WORKTREE_NOTES;
            }
            case "merge-queue" -> {
                return s.quick()
                        ? new MergeQueueBenchmark(s.dir(), 4, 2, 0.2, 1).run()
                        : new MergeQueueBenchmark(s.dir(), 10, 5, 3, 3).run();
            }
            case "cli" -> {
                return cliStatus(s);
            }
            default -> throw new IllegalArgumentException("no section " + id);
        }
    }

    /** Section 6d: 10 sessions, a 1,000-file repository, 11 rounds (quick: 50 files, 1 round). */
    private static String cliStatus(Settings s) throws Exception {
        Path dir = Files.createDirectories(s.dir().resolve("cli"));
        return s.quick() ? new CliStatusBenchmark(dir, 50, 10, 1, 0).run() : new CliStatusBenchmark(dir, 1000, 10, 11, 1).run();
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Arrays.stream(a), Arrays.stream(b)).toArray(String[]::new);
    }

    /** The whole file: the header, then each section, from this run or kept from the existing file. */
    static String document(Map<String, String> bodies, String existing) {
        StringBuilder out = new StringBuilder();
        out.append("# Benchmarks\n\n");
        out.append("Regenerated, figures and all, by one command from the repository root:\n\n```sh\n")
                .append(COMMAND).append("\n```\n\n");
        out.append("""
                One part alone: `-Dbench.args="--only parallel"` (or `scale`, `memory`, `parsing`, `worktree`, `forecast`, `merge-queue`, `cli`;
                several with commas); the other sections of this file are kept as they were. `--quick` runs
                tiny settings (the smoke test uses them). The harness is
                `dev.agentorchestrator.examples.bench.Benchmarks` in `orchestrator-examples`; the whole run
                takes about 16 minutes on 2 cores. It is not a test: nothing fails on a number, and nothing in
                the test suite asserts a time.

                **Read the ratios, not the absolute times.** The figures come from a shared virtual machine
                with 2 cores on which other builds and test suites run at the same time (the load average is
                in each section's header): absolute times swing by a factor of two or three from round to
                round. Every figure is therefore set against a baseline measured in the same run, under the
                same load, and end-to-end figures are medians over repeated rounds after a warm-up, with the
                minimum and maximum.

                """);
        for (Map.Entry<String, String> e : SECTIONS.entrySet()) {
            String id = e.getKey();
            out.append("<!-- bench:").append(id).append(" -->\n");
            out.append("## ").append(e.getValue()).append("\n\n");
            String body = bodies.get(id);
            if (body == null) {
                body = kept(existing, id);
            }
            if (body == null) {
                body = "_Not measured yet: run the harness with `--only " + id + "`._\n";
            }
            out.append(body.strip()).append("\n\n");
            out.append("<!-- /bench:").append(id).append(" -->\n\n");
        }
        return out.toString().strip() + "\n";
    }

    /** The body of a section of the existing file, without its title line, or null. */
    private static String kept(String existing, String id) {
        String open = "<!-- bench:" + id + " -->\n";
        int from = existing.indexOf(open);
        int to = existing.indexOf("<!-- /bench:" + id + " -->");
        if (from < 0 || to < from) {
            return null;
        }
        String body = existing.substring(from + open.length(), to);
        return body.startsWith("## ") ? body.substring(body.indexOf('\n') + 1) : body;
    }

    private static final String WORKTREE_NOTES = """
            The JGit backend writes a new worktree's files in place (the folder is known to be empty): all
            folders first on one thread, then the files with a few threads, each with its own object
            reader, and it writes the index itself (format version 2) with full stat data, so that
            `git status` in the new worktree finds it clean from stat data alone. JGit's general checkout
            (`DirCacheCheckout`) writes every file under a temporary name and renames it and cannot record
            the stat data git compares, so the first `git status` would re-hash every file. Measured once
            (5,000 files, create only): 1 checkout thread 2052 ms median, 2 threads 905, 4 (the default on
            2 cores) 844, 8 873, 16 1644, the git binary 3634. The default is twice the processors, at
            least 2 and at most 8; the system property `agentorchestrator.jgit.checkoutThreads` overrides it.
            """;

    static Settings parse(String[] raw) throws IOException {
        // exec:exec passes -Dbench.args as one argument (or unexpanded when it is not set): split it.
        List<String> args = Arrays.stream(raw).flatMap(a -> Stream.of(a.trim().split("\\s+")))
                .filter(a -> !a.isEmpty() && !a.equals("${bench.args}")).toList();
        Path out = Path.of("docs/benchmarks.md");
        Set<String> only = SECTIONS.keySet();
        boolean quick = args.contains("--quick");
        int rounds = quick ? 1 : 3;
        int warmup = quick ? 0 : 1;
        List<Integer> ns = quick ? List.of(1) : List.of(1, 3, 8, 32);
        int work = quick ? 0 : 5;
        int sessions = quick ? 3 : 100;
        int lines = quick ? 20 : 1000;
        int outputMegabytes = quick ? 1 : 100;
        Path dir = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--quick" -> { }
                case "--out" -> out = Path.of(args.get(++i));
                case "--only" -> only = Set.copyOf(Arrays.asList(args.get(++i).split(",")));
                case "--rounds" -> rounds = Integer.parseInt(args.get(++i));
                case "--warmup" -> warmup = Integer.parseInt(args.get(++i));
                case "--n" -> ns = Arrays.stream(args.get(++i).split(",")).map(Integer::valueOf).toList();
                case "--work" -> work = Integer.parseInt(args.get(++i));
                case "--sessions" -> sessions = Integer.parseInt(args.get(++i));
                case "--lines" -> lines = Integer.parseInt(args.get(++i));
                case "--output-mb" -> outputMegabytes = Integer.parseInt(args.get(++i));
                case "--dir" -> dir = Path.of(args.get(++i)).toAbsolutePath();
                default -> throw new IllegalArgumentException("Unknown option '" + a + "'. Options: --out FILE"
                        + " --only " + String.join(",", SECTIONS.keySet()) + " --quick --rounds N --warmup N"
                        + " --n 1,3,8,32 --work SECONDS --sessions N --lines N --output-mb MB --dir FOLDER");
            }
        }
        for (String id : only) {
            if (!SECTIONS.containsKey(id)) {
                throw new IllegalArgumentException(fmt("Unknown part '%s' in --only; the parts are %s", id,
                        String.join(", ", SECTIONS.keySet())));
            }
        }
        if (dir == null) {
            dir = Files.createTempDirectory("agent-orchestrator-bench");
        }
        List<Integer> sorted = new ArrayList<>(ns);
        sorted.sort(null);
        return new Settings(out.toAbsolutePath(), only, quick, rounds, warmup, List.copyOf(sorted), work, sessions,
                lines, outputMegabytes, dir);
    }
}
