package dev.agentorchestrator.spi;

import static dev.agentorchestrator.spi.RepositoryHealth.assertEveryWorktreeWhole;
import static dev.agentorchestrator.spi.RepositoryHealth.assertFsckPasses;
import static dev.agentorchestrator.spi.RepositoryHealth.assertNothingJournaled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.testing.GeneratedRepos;
import dev.agentorchestrator.testing.TestRepos;
import dev.agentorchestrator.testing.WorktreeChildJvm;
import dev.agentorchestrator.testing.WorktreeChildMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A randomized SIGKILL loop: a child JVM creates worktrees (removing every third again) until it
 * is killed, with any git it runs, at a random instant; then the repository is recovered and
 * checked: {@code git fsck --full} passes, every listed worktree is whole, no half-made one is
 * left, every branch and commit from before is kept, every branch a create made belongs to a
 * create that finished, and the create that was interrupted succeeds when made again.
 *
 * <p>{@code -Dreliability.kills=N} sets the number of kills (default 20), {@code
 * -Dreliability.seed=S} replays a run (the seed is printed), {@code -Dreliability.files=F} sets
 * the repository's size (default 300 files).
 */
public abstract class GitBackendKillLoop extends GitBackendContractSupport {

    @Test
    void worktreeCreatesAndRemovesSurviveRandomKills() {
        int kills = Integer.getInteger("reliability.kills", 20);
        long seed = Long.getLong("reliability.seed", System.nanoTime());
        System.out.println(getClass().getSimpleName() + ": " + kills + " kills, -Dreliability.seed=" + seed);
        Random random = new Random(seed);
        Path repo = GeneratedRepos.generate(temp.resolve("repo"), Integer.getInteger("reliability.files", 300), seed);
        TestRepos.commitFiles(repo, Map.of("later.txt", "later\n"), "a second commit");
        git(repo, "branch", "keep/old", "main~1");
        Map<String, String> before = TestRepos.refs(repo);
        Set<String> finished = new HashSet<>();
        int next = 0;
        for (int round = 0; round < kills; round++) {
            String when = "after kill " + (round + 1) + " of " + kills + " (-Dreliability.seed=" + seed + ")";
            Path log = temp.resolve("log-" + round);
            Path ready = temp.resolve("ready-" + round);
            try (WorktreeChildJvm child = WorktreeChildJvm.start(temp, "loop", backend().getClass().getName(),
                    repo.toString(), String.valueOf(next), "3", log.toString(), ready.toString())) {
                child.awaitFile(ready, 120_000);
                if (child.waitFor(random.nextInt(900))) {
                    throw new AssertionError("the child ended by itself " + when + ":\n" + child.output());
                }
                child.killGroup();
            }
            List<String> lines = lines(log);
            String interrupted = null;
            List<Path> madeThisRound = new ArrayList<>();
            for (String line : lines) {
                String[] parts = line.split(" ");
                int n = Integer.parseInt(parts[1].substring(1));
                next = Math.max(next, n + 1);
                switch (parts[0]) {
                    case "start" -> interrupted = parts[1];
                    case "created" -> {
                        finished.add(parts[1]);
                        interrupted = null;
                        madeThisRound.add(WorktreeChildMain.worktreeFolder(repo, parts[1]));
                    }
                    default -> { }
                }
            }

            try (GitRepository r = backend().open(repo)) {
                r.recoverIncompleteWorktrees();
                assertFsckPasses(repo, when);
                assertNothingJournaled(repo, when);
                assertEquals(List.of(), RepositoryHealth.stagingFolders(repo.resolveSibling("repo.worktrees")), when);
                List<Path> deep = madeThisRound.stream().filter(Files::isDirectory).toList();
                assertEveryWorktreeWhole(repo, deep, when);
                Map<String, String> now = TestRepos.refs(repo);
                before.forEach((ref, id) -> assertEquals(id, now.get(ref), ref + " is kept " + when));
                Set<String> checkedOut = new HashSet<>();
                RepositoryHealth.linkedWorktrees(repo).forEach(w -> w.branch().ifPresent(checkedOut::add));
                for (String ref : now.keySet()) {
                    if (ref.startsWith("refs/heads/feature/")) {
                        String wt = ref.substring("refs/heads/feature/".length());
                        assertTrue(finished.contains(wt) || checkedOut.contains("feature/" + wt),
                                "branch " + ref + " belongs to a create that finished " + when);
                    }
                }
                if (interrupted != null && Files.exists(WorktreeChildMain.worktreeFolder(repo, interrupted))) {
                    // Killed after the worktree became visible: it is whole, and its create finished.
                    Path path = real(WorktreeChildMain.worktreeFolder(repo, interrupted));
                    assertTrue(RepositoryHealth.linkedWorktrees(repo).stream().anyMatch(w -> real(w.path()).equals(path)),
                            "the folder " + path + " left by the interrupted create is a listed worktree " + when);
                    finished.add(interrupted);
                } else if (interrupted != null) {
                    Path path = WorktreeChildMain.worktreeFolder(repo, interrupted);
                    r.createWorktree(new WorktreeRequest(path, "feature/" + interrupted, "main"));
                    assertEveryWorktreeWhole(repo, List.of(path), when + ", made again");
                    finished.add(interrupted);
                }
                if (round % 8 == 7) {
                    // Keep the repository small: remove every worktree (the branches stay).
                    for (var wt : r.listWorktrees()) {
                        if (!wt.main()) {
                            r.removeWorktree(wt.path(), true);
                        }
                    }
                }
            }
        }
        assertTrue(next > 0, "the children made worktrees");
    }


    private static List<String> lines(Path log) {
        try {
            return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
