package dev.agentorchestrator.ci;

import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.internal.ci.ConsoleCounts;
import dev.agentorchestrator.internal.ci.JUnitXmlReports;
import dev.agentorchestrator.internal.ci.OutputTail;
import dev.agentorchestrator.internal.ci.ReportFiles;
import dev.agentorchestrator.internal.ci.ReportTally;
import dev.agentorchestrator.internal.ci.RunLog;
import dev.agentorchestrator.internal.process.CommandRunner;
import dev.agentorchestrator.spi.CiRequest;
import dev.agentorchestrator.spi.CiRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a test command in the worktree (without a shell), then reads the JUnit XML reports it
 * wrote. Immutable: each {@code withX} returns a changed copy.
 *
 * <pre>{@code
 * CiRunner ci = Ci.command("sh", "./mvnw", "-B", "verify")
 *         .withReports("**}{@code /target/surefire-reports/TEST-*.xml")
 *         .withLogDirectory(Path.of("build/ci-logs"));
 * }</pre>
 *
 * <p><b>Reports.</b> Files under the worktree matching the report globs ({@link #DEFAULT_REPORTS}
 * unless set) that this run wrote are read: new or changed since just before it started, and not
 * older than its start. Their test cases give the counts and the failing tests; a malformed,
 * cut-short or oversized report becomes a note in the result. The reports decide: any failing
 * test makes the run {@code FAILED}, and so does a non-zero exit code.
 *
 * <p><b>No reports.</b> The exit code decides, and counts come from the console: Maven Surefire's
 * {@code Tests run: N, Failures: F, Errors: E, Skipped: S}, Gradle's {@code N tests completed,
 * F failed}, and the {@code N passed, F failed} line of pytest, Jest and Vitest.
 *
 * <p><b>Time limit.</b> When {@link CiRequest#timeout()} passes, the command and every process it
 * started are ended (SIGTERM, then SIGKILL after 5 s) and the result is {@code TIMED_OUT}; a
 * process that left the tree on purpose (a daemon that detached itself) is not found.
 *
 * <p><b>Log.</b> The whole output goes to {@link CiRequest#logFile()}, or else to a new file in
 * the log folder ({@link #withLogDirectory(Path)}, by default {@code agent-orchestrator-ci} in the
 * system's temporary folder), and {@link CiResult#logFile()} names it.
 *
 * <p><b>Command.</b> With no command given ({@link #detecting()}), it picks one from the
 * worktree's build files: {@code ./mvnw verify}, {@code mvn verify}, {@code ./gradlew test},
 * {@code npm test}, {@code make test}; a worktree with none of them gets a
 * {@link CiResult.Status#SKIPPED} result. The command runs with {@code CI=true} added to the
 * environment (test tools take it to mean "no watching, no prompts"), unless
 * {@link #withEnvironment(Map)} says otherwise.
 */
public final class CommandCiRunner implements CiRunner {

    /** Where Surefire, Failsafe, Gradle and (by their usual names) pytest, Jest, Vitest and gotestsum write reports. */
    public static final List<String> DEFAULT_REPORTS = List.of(
            "**/target/surefire-reports/TEST-*.xml",
            "**/target/failsafe-reports/TEST-*.xml",
            "**/build/test-results/**/TEST-*.xml",
            "**/*junit*.xml",
            "**/test-results*.xml");

    /** Reports larger than this are not read unless {@link #withMaxReportSize(long)} raises it. */
    public static final long DEFAULT_MAX_REPORT_BYTES = 32L * 1024 * 1024;

    private static final Map<String, String> DEFAULT_ENVIRONMENT = Map.of("CI", "true");
    private static final int MAX_REPORT_FILES = 10_000;
    private static final int MAX_FAILURES = 50;
    private static final int TAIL_LINES = 40;
    private static final long MAX_LOG_BYTES = 128L * 1024 * 1024;
    private static final int LINE_IN_SUMMARY = 160;
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

    private final List<String> command;
    private final List<String> reports;
    private final Map<String, String> environment;
    private final Optional<Path> logDirectory;
    private final long maxReportBytes;

    /** Detects the command from the build files of each worktree (the {@link java.util.ServiceLoader} default). */
    public CommandCiRunner() {
        this(List.of(), DEFAULT_REPORTS, DEFAULT_ENVIRONMENT, Optional.empty(), DEFAULT_MAX_REPORT_BYTES);
    }

    private CommandCiRunner(List<String> command, List<String> reports, Map<String, String> environment,
                            Optional<Path> logDirectory, long maxReportBytes) {
        this.command = List.copyOf(command);
        this.reports = List.copyOf(reports);
        this.environment = Map.copyOf(environment);
        this.logDirectory = logDirectory;
        this.maxReportBytes = maxReportBytes;
    }

    /** Runs exactly this command. */
    public static CommandCiRunner of(List<String> command) {
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw new ConfigurationException(
                    "Ci.command(...) needs at least the executable, for example Ci.command(\"mvn\", \"-q\", \"verify\")");
        }
        return new CommandCiRunner().withCommand(command);
    }

    /** Picks the command from each worktree's build files. */
    public static CommandCiRunner detecting() {
        return new CommandCiRunner();
    }

    private CommandCiRunner withCommand(List<String> newCommand) {
        return new CommandCiRunner(newCommand, reports, environment, logDirectory, maxReportBytes);
    }

    /**
     * Reads the reports matching these globs (relative to the worktree, {@code /} between folders;
     * a glob starting with {@code **}{@code /} also matches at the top) instead of {@link #DEFAULT_REPORTS}.
     * No globs means no reports are read and the console counts are used.
     */
    public CommandCiRunner withReports(String... globs) {
        return withReports(List.of(globs));
    }

    /** As {@link #withReports(String...)}. */
    public CommandCiRunner withReports(List<String> globs) {
        for (String glob : globs) {
            if (glob == null || glob.isBlank()) {
                throw new ConfigurationException("withReports(...) got a blank glob; give patterns such as "
                        + "\"**/target/surefire-reports/TEST-*.xml\", or none to read no reports");
            }
            String problem = ReportFiles.problemWith(glob);
            if (problem != null) {
                throw new ConfigurationException("withReports(...) got '" + glob + "', which is not a valid glob ("
                        + problem + "); write it like \"**/build/test-results/**/TEST-*.xml\"");
            }
        }
        return new CommandCiRunner(command, globs, environment, logDirectory, maxReportBytes);
    }

    /** Adds these variables to the command's environment, in place of the default {@code CI=true}. */
    public CommandCiRunner withEnvironment(Map<String, String> variables) {
        return new CommandCiRunner(command, reports, variables, logDirectory, maxReportBytes);
    }

    /** Writes the log of each run whose request names no log file into this folder (made when needed). */
    public CommandCiRunner withLogDirectory(Path directory) {
        return new CommandCiRunner(command, reports, environment, Optional.of(directory), maxReportBytes);
    }

    /** Reads reports up to this many bytes; larger ones become a note. Parsing streams, so memory stays small either way. */
    public CommandCiRunner withMaxReportSize(long bytes) {
        if (bytes <= 0) {
            throw new ConfigurationException("withMaxReportSize(" + bytes + ") must be positive; the default is "
                    + DEFAULT_MAX_REPORT_BYTES + " bytes");
        }
        return new CommandCiRunner(command, reports, environment, logDirectory, bytes);
    }

    /** The globs reports are looked for with. */
    public List<String> reports() {
        return reports;
    }

    @Override
    public String name() {
        return command.isEmpty() ? "command(detected)" : "command(" + String.join(" ", command) + ")";
    }

    /** The command that would run in this worktree, empty when none is configured or detected. */
    public Optional<List<String>> commandFor(Path worktree) {
        if (!command.isEmpty()) {
            return Optional.of(command);
        }
        if (Files.isRegularFile(worktree.resolve("mvnw"))) {
            return Optional.of(List.of("sh", "./mvnw", "-q", "-B", "verify"));
        }
        if (Files.isRegularFile(worktree.resolve("pom.xml"))) {
            return Optional.of(List.of("mvn", "-q", "-B", "verify"));
        }
        if (Files.isRegularFile(worktree.resolve("gradlew"))) {
            return Optional.of(List.of("sh", "./gradlew", "test"));
        }
        if (Files.isRegularFile(worktree.resolve("package.json"))) {
            return Optional.of(List.of("npm", "test"));
        }
        if (Files.isRegularFile(worktree.resolve("Makefile"))) {
            return Optional.of(List.of("make", "test"));
        }
        return Optional.empty();
    }

    @Override
    public CiResult run(CiRequest request) {
        Optional<List<String>> cmd = commandFor(request.worktree());
        if (cmd.isEmpty()) {
            return CiResult.builder(CiResult.Status.SKIPPED, request.commit())
                    .summary("no test command configured and none detected (no mvnw, pom.xml, gradlew, package.json or Makefile)")
                    .build();
        }
        String shown = String.join(" ", cmd.get());
        ReportTally tally = new ReportTally(MAX_FAILURES);
        ReportFiles files = new ReportFiles(request.worktree(), reports, MAX_REPORT_FILES);
        Map<Path, ReportFiles.Stamp> before = reports.isEmpty() ? Map.of() : files.scan(null);
        Instant start = Instant.now();
        ConsoleCounts console = new ConsoleCounts();
        OutputTail tail = new OutputTail(TAIL_LINES);
        CommandRunner.Outcome outcome;
        RunLog log = RunLog.open(logFileFor(request, start), MAX_LOG_BYTES);
        try (log) {
            log.line("# agent-orchestrator CI run: '" + shown + "' on " + request.commit() + " in " + request.worktree()
                    + ", started " + start);
            outcome = CommandRunner.run(cmd.get(), request.worktree(), environment, request.timeout(), line -> {
                log.line(line);
                console.read(line);
                tail.add(line);
                request.output().accept(line);
            });
            log.line("# " + ending(outcome, request.timeout()) + " after " + outcome.duration());
        }
        if (!reports.isEmpty() && outcome.startError().isEmpty()) {
            JUnitXmlReports parser = new JUnitXmlReports(maxReportBytes);
            for (Path report : files.writtenSince(start, before, tally)) {
                parser.read(files.resolve(report), report.toString().replace('\\', '/'), tally);
            }
        }
        return result(request, shown, outcome, tally, console, tail, log);
    }

    private CiResult result(CiRequest request, String shown, CommandRunner.Outcome outcome, ReportTally tally,
                            ConsoleCounts console, OutputTail tail, RunLog log) {
        boolean fromReports = tally.total() > 0;
        boolean unreadReports = !tally.notes().isEmpty();
        List<String> notes = new ArrayList<>(tally.notes());
        if (!log.problem().isEmpty()) {
            notes.add(log.problem());
        }
        CiResult.Builder b = CiResult.builder(statusOf(outcome, tally, fromReports), request.commit())
                .duration(outcome.duration())
                .outputTail(tail.toString());
        if (log.opened()) {
            b.logFile(log.file());
        }
        if (fromReports) {
            b.passed(tally.passedCount()).failed(tally.failedCount()).errored(tally.erroredCount())
                    .skipped(tally.skippedCount()).failures(tally.failures());
        } else {
            b.passed(console.passed()).failed(console.failed()).errored(console.errored()).skipped(console.skipped());
        }
        String lastLine = clip(tail.lastNonBlank());
        if (outcome.interrupted()) {
            b.summary("the CI run of '" + shown + "' was interrupted and its processes ended");
        } else if (!outcome.startError().isEmpty()) {
            b.summary(outcome.startError());
        } else if (outcome.timedOut()) {
            String counted = fromReports || console.found() ? "; " + b.build().counts() + " before then" : "";
            b.summary("'" + shown + "' did not finish within " + request.timeout()
                    + ", so it and the processes it started were ended" + counted);
        } else if (fromReports) {
            if (outcome.exitCode() != 0 && tally.failedCount() + tally.erroredCount() == 0) {
                b.summary(b.defaultSummary() + "; but the command exited with " + outcome.exitCode()
                        + (lastLine.isEmpty() ? "" : ": " + lastLine));
            } else if (outcome.exitCode() == 0 && tally.failedCount() + tally.erroredCount() > 0) {
                notes.add("the reports list failing tests although '" + shown + "' exited with 0");
            }
        } else if (outcome.exitCode() == 0) {
            b.summary(console.found() ? b.defaultSummary() : "passed (exit code 0; no test report or test counts found)");
        } else {
            b.summary((console.found() ? b.defaultSummary() + "; exit code " : "exit code ") + outcome.exitCode()
                    + (console.found() ? "" : unreadReports ? ", no test report could be read" : ", no test report found")
                    + (lastLine.isEmpty() ? "" : ": " + lastLine));
        }
        return b.notes(notes).build();
    }

    private static CiResult.Status statusOf(CommandRunner.Outcome outcome, ReportTally tally, boolean fromReports) {
        if (!outcome.startError().isEmpty()) {
            return CiResult.Status.ERROR;
        }
        if (outcome.timedOut()) {
            return CiResult.Status.TIMED_OUT;
        }
        boolean failingTests = fromReports && tally.failedCount() + tally.erroredCount() > 0;
        return outcome.exitCode() == 0 && !failingTests ? CiResult.Status.PASSED : CiResult.Status.FAILED;
    }

    private Path logFileFor(CiRequest request, Instant start) {
        if (request.logFile().isPresent()) {
            return request.logFile().get();
        }
        Path folder = logDirectory.orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "agent-orchestrator-ci"));
        String session = request.session().replaceAll("[^A-Za-z0-9._-]", "_");
        String commit = request.commit().length() > 12 ? request.commit().substring(0, 12) : request.commit();
        return folder.resolve(session + "-" + commit + "-" + LOG_TIME.format(start) + ".log");
    }

    private static String ending(CommandRunner.Outcome outcome, Duration timeout) {
        if (outcome.interrupted()) {
            return "interrupted";
        }
        if (!outcome.startError().isEmpty()) {
            return outcome.startError();
        }
        return outcome.timedOut() ? "ended at the time limit of " + timeout : "exit code " + outcome.exitCode();
    }

    private static String clip(String line) {
        return line.length() <= LINE_IN_SUMMARY ? line : line.substring(0, LINE_IN_SUMMARY - 3) + "...";
    }
}
