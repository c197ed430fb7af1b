package dev.agentorchestrator.ci;

import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.internal.process.CommandRunner;
import dev.agentorchestrator.spi.CiRequest;
import dev.agentorchestrator.spi.CiRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a test command in the worktree (without a shell) and reads pass/fail counts from its
 * output: Maven Surefire's {@code Tests run: N, Failures: F, Errors: E, Skipped: S} lines and the
 * plain {@code N passed, N failed} line that pytest and others print. The exit code decides
 * pass or fail; the counts are for people.
 *
 * <p>With no command given ({@link #detecting()}), it picks one from the worktree's build files:
 * {@code ./mvnw verify}, {@code mvn verify}, {@code ./gradlew test}, {@code npm test},
 * {@code make test}; a worktree with none of them gets a {@link CiResult.Status#SKIPPED} result.
 */
public final class CommandCiRunner implements CiRunner {

    private static final Pattern SUREFIRE = Pattern.compile(
            "Tests run: (\\d+), Failures: (\\d+), Errors: (\\d+), Skipped: (\\d+)(?!.*Time elapsed)");
    private static final Pattern PASSED = Pattern.compile("(\\d+) passed");
    private static final Pattern FAILED = Pattern.compile("(\\d+) failed");
    private static final Pattern SKIPPED = Pattern.compile("(\\d+) skipped");
    private static final int SUMMARY_LINES = 30;

    private final List<String> command;

    /** Detects the command from the build files of each worktree. */
    public CommandCiRunner() {
        this.command = List.of();
    }

    private CommandCiRunner(List<String> command) {
        this.command = List.copyOf(command);
    }

    /** Runs exactly this command. */
    public static CommandCiRunner of(List<String> command) {
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw new dev.agentorchestrator.ConfigurationException(
                    "Ci.command(...) needs at least the executable, for example Ci.command(\"mvn\", \"-q\", \"verify\")");
        }
        return new CommandCiRunner(command);
    }

    public static CommandCiRunner detecting() {
        return new CommandCiRunner();
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
            return new CiResult(CiResult.Status.SKIPPED, request.commit(), 0, 0, 0, java.time.Duration.ZERO, Instant.now(),
                    "no test command configured and none detected (no mvnw, pom.xml, gradlew, package.json or Makefile)");
        }
        Counts counts = new Counts();
        Deque<String> tail = new ArrayDeque<>();
        CommandRunner.Outcome outcome = CommandRunner.run(cmd.get(), request.worktree(), Map.of(), request.timeout(), line -> {
            request.output().accept(line);
            counts.read(line);
            synchronized (tail) {
                tail.addLast(line);
                if (tail.size() > SUMMARY_LINES) {
                    tail.removeFirst();
                }
            }
        });
        CiResult.Status status;
        String summary;
        if (!outcome.startError().isEmpty()) {
            status = CiResult.Status.ERROR;
            summary = outcome.startError();
        } else if (outcome.timedOut()) {
            status = CiResult.Status.TIMED_OUT;
            summary = "'" + String.join(" ", cmd.get()) + "' did not finish within " + request.timeout();
        } else {
            status = outcome.exitCode() == 0 ? CiResult.Status.PASSED : CiResult.Status.FAILED;
            synchronized (tail) {
                summary = String.join("\n", tail);
            }
        }
        return new CiResult(status, request.commit(), counts.passed(), counts.failed, counts.skipped,
                outcome.duration(), Instant.now(), summary);
    }

    /** Test counts read from output; the last summary line of each kind wins. */
    private static final class Counts {
        private int run;
        private int failed;
        private int skipped;
        private boolean surefire;
        private int plainPassed;

        synchronized void read(String line) {
            Matcher m = SUREFIRE.matcher(line);
            if (m.find() && !line.contains(" - in ")) {
                surefire = true;
                run = Integer.parseInt(m.group(1));
                failed = Integer.parseInt(m.group(2)) + Integer.parseInt(m.group(3));
                skipped = Integer.parseInt(m.group(4));
                return;
            }
            Matcher p = PASSED.matcher(line);
            if (!surefire && p.find()) {
                plainPassed = Integer.parseInt(p.group(1));
                Matcher f = FAILED.matcher(line);
                failed = f.find() ? Integer.parseInt(f.group(1)) : 0;
                Matcher s = SKIPPED.matcher(line);
                skipped = s.find() ? Integer.parseInt(s.group(1)) : 0;
            }
        }

        synchronized int passed() {
            return surefire ? Math.max(0, run - failed - skipped) : plainPassed;
        }
    }
}
