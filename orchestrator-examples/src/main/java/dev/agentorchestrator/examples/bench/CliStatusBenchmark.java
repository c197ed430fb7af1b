package dev.agentorchestrator.examples.bench;

import static dev.agentorchestrator.examples.bench.BenchSupport.fmt;

import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.TaskProgress;
import dev.agentorchestrator.WorktreeSetup;
import dev.agentorchestrator.examples.cli.CliEntry;
import dev.agentorchestrator.examples.cli.Main;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.spi.StateStore;
import dev.agentorchestrator.store.StateStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code agent-orchestrator status} in a fresh process against {@code git status} on the same
 * repository, in the same run: the goal of issue 19 is at most five times {@code git status}.
 * Each round runs every command once, one after the other, so that all of them see the same load;
 * the table gives medians over the rounds and, for each command, how many classes its JVM loaded
 * and how many of those did not come from a class-data-sharing archive (what start-up pays for).
 *
 * <p>It needs the runnable jar ({@code ./mvnw package}): it runs the launcher script with it,
 * with the archive the launcher writes on its first run and without. Without the jar (the
 * harness's smoke test runs before packaging) it runs the command line from the class path and
 * says so.
 */
final class CliStatusBenchmark {

    /** The launcher's own options (bin/agent-orchestrator), so that the JVM's start alone is the floor of its commands. */
    private static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:+IgnoreUnrecognizedVMOptions",
            "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0");

    private final Path dir;
    private final int files;
    private final int sessions;
    private final int rounds;
    private final int warmup;

    CliStatusBenchmark(Path dir, int files, int sessions, int rounds, int warmup) {
        this.dir = dir;
        this.files = files;
        this.sessions = sessions;
        this.rounds = rounds;
        this.warmup = warmup;
    }

    /** One command measured: its label in the table and what it runs. */
    private record Command(String label, List<String> command, Map<String, String> environment, boolean java) {
    }

    String run() throws IOException, InterruptedException {
        Path repo = dir.resolve("repo");
        BenchmarkRepository.generate(repo, files, 19);
        seed(repo);
        Path cache = Files.createDirectories(dir.resolve("cache"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Optional<Path> jar = cliJar();
        Optional<Path> launcher = jar.map(j -> j.getParent().resolveSibling("bin").resolve("agent-orchestrator"))
                .filter(Files::isRegularFile);

        List<Command> commands = new ArrayList<>();
        commands.add(new Command("`git status`", List.of("git", "status"), Map.of(), false));
        commands.add(new Command("JVM start alone: `java -version`", concat(List.of(java), JVM_OPTIONS, List.of("-version")), Map.of(), true));
        String note;
        if (jar.isPresent() && launcher.isPresent()) {
            Map<String, String> withCds = Map.of("AGENT_ORCHESTRATOR_JAR", jar.get().toString(), "XDG_CACHE_HOME", cache.toString(),
                    "JAVA_HOME", System.getProperty("java.home"));
            Map<String, String> withoutCds = new LinkedHashMap<>(withCds);
            withoutCds.put("AGENT_ORCHESTRATOR_CDS", "off");
            String bin = launcher.get().toString();
            commands.add(new Command("`agent-orchestrator status`", List.of("bash", bin, "status"), withCds, true));
            commands.add(new Command("`agent-orchestrator status --json`", List.of("bash", bin, "status", "--json"), withCds, true));
            commands.add(new Command("`agent-orchestrator list`", List.of("bash", bin, "list"), withCds, true));
            commands.add(new Command("`agent-orchestrator status`, CDS off", List.of("bash", bin, "status"), withoutCds, true));
            commands.add(new Command("`status` through the full command line (picocli, the state store; as before)",
                    concat(List.of(java), JVM_OPTIONS, List.of("-cp", jar.get().toString(), Main.class.getName(), "status")), Map.of(), true));
            // The launcher's first run writes the archive; it is not one of the measured rounds.
            BenchSupport.run(repo, env(withCds, List.of("bash", bin, "list")));
            note = "The launcher's class-data-sharing archive was written by its first run, before the rounds.";
        } else {
            String classPath = System.getProperty("java.class.path");
            commands.add(new Command("`status` (class path, no jar: no CDS)",
                    concat(List.of(java), JVM_OPTIONS, List.of("-cp", classPath, CliEntry.class.getName(), "status")), Map.of(), true));
            commands.add(new Command("`status` through the full command line (picocli, the state store; as before)",
                    concat(List.of(java), JVM_OPTIONS, List.of("-cp", classPath, Main.class.getName(), "status")), Map.of(), true));
            note = "**The runnable jar was not built** (`./mvnw package`), so the command line ran from the class path,"
                    + " without the launcher and its archive.";
        }

        Map<Command, List<Double>> millis = measure(repo, commands);
        // Then with an engine running (the demo agent; the seeded sessions only settle): the quick
        // status reads the overlaps and forecast from the file the engine keeps; the full command line asks it.
        List<Command> withEngine = new ArrayList<>();
        Map<Command, List<Double>> engineMillis = Map.of();
        Map<Command, long[]> engineClasses = new LinkedHashMap<>();
        if (jar.isPresent() && launcher.isPresent()) {
            Map<String, String> withCds = commands.get(2).environment();
            String bin = launcher.get().toString();
            withEngine.add(new Command("`git status`, with the engine running", List.of("git", "status"), Map.of(), false));
            withEngine.add(new Command("`agent-orchestrator status`, engine running (its overlaps and forecast from the file it keeps)",
                    List.of("bash", bin, "status"), withCds, true));
            withEngine.add(new Command("`status` through the full command line, engine running (asks it over HTTP)",
                    concat(List.of(java), JVM_OPTIONS, List.of("-cp", jar.get().toString(), Main.class.getName(), "status")), Map.of(), true));
            Files.writeString(repo.resolve("agent-orchestrator.yaml"), "agent:\n  name: demo\nci: none\nengine:\n  idleTimeout: 600s\n");
            BenchSupport.run(repo, env(withCds, List.of("bash", bin, "start")));
            try {
                Path coordination = repo.resolve(".git/agent-orchestrator/engine/coordination.json");
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!Files.exists(coordination) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                engineMillis = measure(repo, withEngine);
                for (Command c : withEngine) {
                    if (c.java()) {
                        engineClasses.put(c, classCounts(repo, c));
                    }
                }
            } finally {
                BenchSupport.run(repo, env(withCds, List.of("bash", bin, "shutdown")));
            }
        }
        double git = BenchSupport.Stats.of(millis.get(commands.get(0))).median();
        StringBuilder out = new StringBuilder();
        out.append(fmt("`CliStatusBenchmark`: %d stored sessions, a repository of %d files; each command in a fresh process,"
                + " %d rounds after %d warm-up, the commands one after the other in each round. %s%n%n", sessions, files, rounds, warmup, note));
        out.append("| command | ms, median (min to max) | × `git status` | classes loaded | of which not from a CDS archive |\n");
        out.append("| --- | ---: | ---: | ---: | ---: |\n");
        for (Command c : commands) {
            BenchSupport.Stats s = BenchSupport.Stats.of(millis.get(c));
            String classes = "-";
            String unshared = "-";
            if (c.java()) {
                long[] counts = classCounts(repo, c);
                classes = Long.toString(counts[0]);
                unshared = Long.toString(counts[1]);
            }
            out.append(fmt("| %s | %s | %.1f | %s | %s |%n", c.label(), s.format(0), s.median() / git, classes, unshared));
        }
        if (!withEngine.isEmpty()) {
            double gitWithEngine = BenchSupport.Stats.of(engineMillis.get(withEngine.get(0))).median();
            for (Command c : withEngine) {
                BenchSupport.Stats st = BenchSupport.Stats.of(engineMillis.get(c));
                long[] counts = engineClasses.get(c);
                out.append(fmt("| %s | %s | %.1f | %s | %s |%n", c.label(), st.format(0), st.median() / gitWithEngine,
                        counts == null ? "-" : Long.toString(counts[0]), counts == null ? "-" : Long.toString(counts[1])));
            }
        }
        double status = BenchSupport.Stats.of(millis.get(commands.get(2))).median() / git;
        double jvm = BenchSupport.Stats.of(millis.get(commands.get(1))).median() / git;
        out.append(fmt("%n**Goal: `status` at most 5 × `git status`: %s** (%.1f ×). A bare JVM start alone is %.1f × `git status`"
                + " here, so the goal %s.%n", status <= 5 ? "met" : fmt("missed by %.0f%%", (status / 5 - 1) * 100), status, jvm,
                jvm >= 5 ? "cannot be met by a JVM program on this machine; what is left over the JVM's start is "
                        + fmt("%.1f ×", status - jvm) : "is within what a JVM can reach here"));
        out.append("\nA JVM's start-up is mostly loading classes, so the quick `status` and"
                + " `list` load only a small JSON reader of their own, the session records and the table (no picocli, no Jackson,"
                + " no JGit, no engine; CliLauncherIT checks it), and the launcher maps a static archive of them and of the JDK's"
                + " module graph, at the address it was made for (docs/cli.md).\n");
        if (!withEngine.isEmpty()) {
            out.append("\nThe last rows run after starting an engine on the same repository (the demo agent; the seeded sessions"
                    + " only settle), with their own `git status` in the same rounds: the quick `status` prints the engine's overlaps and"
                    + " forecast from the `coordination.json` it keeps, where the full command line asks the engine over HTTP.\n");
        }
        return out.toString();
    }

    /** Each command once per round, one after the other, {@code warmup} rounds not counted: milliseconds per command. */
    private Map<Command, List<Double>> measure(Path repo, List<Command> commands) throws IOException {
        Map<Command, List<Double>> millis = new LinkedHashMap<>();
        commands.forEach(c -> millis.put(c, new ArrayList<>()));
        for (int round = 0; round < warmup + rounds; round++) {
            for (Command c : commands) {
                long t0 = System.nanoTime();
                BenchSupport.run(repo, env(c.environment(), c.command()));
                if (round >= warmup) {
                    millis.get(c).add((System.nanoTime() - t0) / 1e6);
                }
            }
        }
        return millis;
    }

    /** Total classes loaded and those not from a shared archive, from one run with {@code -Xlog:class+load}. */
    private long[] classCounts(Path repo, Command c) throws IOException {
        Path log = Files.createTempFile(dir, "classes", ".txt");
        Map<String, String> environment = new LinkedHashMap<>(c.environment());
        List<String> command = new ArrayList<>(c.command());
        String option = "-Xlog:class+load:file=" + log;
        if (command.get(0).equals("bash")) {
            environment.put("AGENT_ORCHESTRATOR_JAVA_OPTS", option);
        } else {
            command.add(1, option);
        }
        BenchSupport.run(repo, env(environment, command));
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        long total = lines.stream().filter(l -> l.contains("class,load")).count();
        long shared = lines.stream().filter(l -> l.contains("class,load") && l.contains("source: shared objects file")).count();
        return new long[] {total, total - shared};
    }

    private void seed(Path repo) {
        Instant start = Instant.now().minus(Duration.ofHours(2));
        try (StateStore store = StateStores.jsonFiles(repo.resolve(".git"))) {
            for (int i = 0; i < sessions; i++) {
                String name = "feature-" + i;
                store.create(SessionRecord.queued(name, "Implement part " + i + " of the benchmark", "main", "feature/" + name, List.of(),
                        "claude-code", Map.of(), WorktreeSetup.NONE, start.plusSeconds(i)));
                int n = i;
                store.update(name, r -> r.toBuilder().state(n % 2 == 0 ? SessionState.READY_TO_MERGE : SessionState.RUNNING)
                        .progress(new TaskProgress(n % 4, 4, "step " + n)).costUsd(0.1 * n).turns(n)
                        .lastCi(CiResult.builder(CiResult.Status.PASSED, "0123456789abcdef0123456789abcdef01234567").passed(40 + n)
                                .duration(Duration.ofSeconds(8)).finishedAt(start.plusSeconds(600)).summary((40 + n) + " passed").build())
                        .message("CI passed").build());
            }
        }
    }

    /** The cli jar beside this class's build output ({@code target/classes}), if it was built. */
    private static Optional<Path> cliJar() throws IOException {
        String property = System.getProperty("bench.cliJar");
        if (property != null) {
            return Optional.of(Path.of(property));
        }
        Path classes;
        try {
            classes = Path.of(CliStatusBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
        Path target = classes.getParent();
        if (target == null || !Files.isDirectory(target)) {
            return Optional.empty();
        }
        try (Stream<Path> candidates = Files.list(target)) {
            return candidates.filter(p -> p.getFileName().toString().endsWith("-cli.jar")).findFirst();
        }
    }

    private static String[] env(Map<String, String> environment, List<String> command) {
        List<String> all = new ArrayList<>();
        all.add("env");
        environment.forEach((k, v) -> all.add(k + "=" + v));
        all.addAll(command);
        return all.toArray(String[]::new);
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) {
            all.addAll(p);
        }
        return all;
    }
}
