package dev.agentorchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.TestRepos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's randomized SIGKILL loop: a host JVM ({@link EngineKillLoopHost}) runs a real
 * orchestrator with scripted agents that commit, a real CI script and a seeded script of
 * operations; the loop SIGKILLs the host's whole process group at a random instant (right after it
 * printed that a session entered CREATING_WORKTREE, RUNNING or TESTING, or began a remove or a
 * merge, or after a plain random delay), starts a fresh host on the same repository, and once that
 * host has recovered and every session has settled checks (see {@link EngineKillLoopChecks}):
 * every branch and commit from before the kill is kept (but the branches of sessions being
 * removed or merged), {@code git fsck --full} passes, the worktrees git lists are exactly the
 * sessions' stored worktrees, nothing is journaled or staged, no agent or CI process of the
 * killed host is left, and every accepted prompt was delivered or its session FAILED saying so.
 *
 * <p>{@code -Dreliability.engineKills=N} sets the number of kills (default {@link #defaultKills()}),
 * {@code -Dreliability.seed=S} replays a run (the seed is printed and is in every failure).
 */
public abstract class EngineKillLoop {

    @TempDir
    protected Path temp;

    /** The backend the host uses; the host builds it again from its class name. */
    protected abstract GitBackend backend();

    /** Kills when {@code reliability.engineKills} is not set; keeps the default run short. */
    protected int defaultKills() {
        return 6;
    }

    @Test
    void theEngineSurvivesRandomKillsAcrossCreateTurnCiAndRemove() throws IOException {
        int kills = Integer.getInteger("reliability.engineKills", defaultKills());
        long seed = Long.getLong("reliability.seed", System.nanoTime());
        System.out.println(getClass().getSimpleName() + ": " + kills + " kills, -Dreliability.seed=" + seed);
        Random random = new Random(seed);
        Path repo = TestRepos.withFiles(temp.resolve("repo"), Map.of("README.md", "# kill loop\n", "ci.sh", EngineKillLoopHost.CI + "\n"));
        Path work = Files.createDirectories(temp.resolve("work"));
        Files.createFile(work.resolve("delivered.txt"));
        String token = "killloop-" + Long.toHexString(seed) + "-" + ProcessHandle.current().pid();
        EngineKillLoopChecks checks = new EngineKillLoopChecks(repo, work);
        Map<String, String> atKill = Map.of();
        Set<String> finishRemoves = new LinkedHashSet<>();
        for (int round = 0; round <= kills; round++) {
            long started = System.nanoTime();
            String when = "after kill " + round + " of " + kills + " (-Dreliability.seed=" + seed + ")";
            String marker = token + "-r" + round;
            List<String> args = List.of(backend().getClass().getName(), repo.toString(), work.toString(), String.valueOf(round),
                    String.valueOf(random.nextLong()), finishRemoves.isEmpty() ? "-" : String.join(",", finishRemoves));
            try (EngineKillLoopChild host = EngineKillLoopChild.start(work.resolve("host-" + round + ".out"), marker, args)) {
                int settledAt = host.awaitLine(0, l -> l.equals("SETTLED") || l.startsWith("NOT-SETTLED"), Duration.ofSeconds(180));
                List<String> lines = host.lines();
                if (settledAt < 0 || !lines.get(settledAt).equals("SETTLED")) {
                    fail("the restarted host did not settle " + when + ":\n" + host.output());
                }
                Map<String, EngineKillLoopChecks.Stored> sessions = EngineKillLoopChecks.sessions(lines.subList(0, settledAt));
                if (round > 0) {
                    String previous = token + "-r" + (round - 1);
                    Await.until("no agent or CI process of the killed host left " + when, Duration.ofSeconds(30),
                            () -> EngineKillLoopChild.processesMarked(previous).isEmpty());
                    checks.afterRecovery(atKill, sessions, finishRemoves, when + "\nthe killed host's last lines:\n"
                            + tail(work.resolve("host-" + (round - 1) + ".out")) + "\nthe restarted host:\n" + host.output());
                }
                finishRemoves.clear();
                long checked = System.nanoTime();
                System.out.printf("round %d: settled and checked in %d ms: %s%n", round, (checked - started) / 1_000_000,
                        sessions.values().stream().map(s -> s.name() + "=" + s.state()).toList());
                if (round == kills) {
                    break;
                }
                Map<String, String> settled = TestRepos.refs(repo);
                Files.createFile(work.resolve("go-" + round));
                String how = killAtARandomInstant(host, settledAt, random, when);
                System.out.printf("round %d: killed %s after %d ms of operations%n", round, how, (System.nanoTime() - checked) / 1_000_000);
                lines = host.lines();
                atKill = TestRepos.refs(repo);
                Set<String> vanishing = checks.readOperations(lines.subList(settledAt, lines.size()), finishRemoves);
                checks.branchesKept(settled, atKill, vanishing, "between the restart and kill " + (round + 1) + " (-Dreliability.seed="
                        + seed + ")\n" + host.output());
            }
        }
        assertTrue(checks.featuresAdded() > 0, "the hosts added features");
    }

    /** Kills the host right after a line of interest (or a plain delay), a random moment later. */
    private static String killAtARandomInstant(EngineKillLoopChild host, int from, Random random, String when) {
        int kind = random.nextInt(7);
        Predicate<String> trigger = switch (kind) {
            case 0 -> state("CREATING_WORKTREE");
            case 1, 2 -> state("RUNNING");
            case 3 -> state("TESTING");
            case 4 -> line -> line.startsWith("op remove ");
            case 5 -> line -> line.startsWith("op merge ") || state("MERGING").test(line);
            default -> null;
        };
        int occurrence = random.nextInt(4) == 0 ? 2 : 1;
        int delay = trigger == null ? random.nextInt(2000) : random.nextInt(4) == 0 ? 0 : random.nextInt(250);
        int at = from;
        for (int i = 0; trigger != null && i < occurrence && at >= 0; i++) {
            at = host.awaitLine(at + 1, trigger, Duration.ofSeconds(5));
        }
        if (host.waitFor(delay) || !host.isAlive()) {
            fail("the host ended by itself before kill " + when + ":\n" + host.output());
        }
        host.killGroup();
        List<String> lines = host.lines();
        return trigger == null ? "after " + delay + " ms" : at < 0 ? "(trigger " + kind + " not seen)"
                : delay + " ms after '" + lines.get(at) + "'";
    }

    private static String tail(Path output) {
        try {
            List<String> lines = Files.readAllLines(output);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static Predicate<String> state(String to) {
        return line -> {
            String[] parts = line.split(" ", 5);
            return parts.length >= 4 && parts[0].equals("state") && parts[3].equals(to);
        };
    }

    /** The folders of the repository's worktrees, beside it. */
    static Path worktreesFolder(Path repo) {
        return repo.resolveSibling(repo.getFileName() + ".worktrees");
    }

    static List<String> list(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
