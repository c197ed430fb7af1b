package dev.agentorchestrator.engine;

import static dev.agentorchestrator.SessionState.IDLE;
import static dev.agentorchestrator.SessionState.MERGED;
import static dev.agentorchestrator.SessionState.READY_TO_MERGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.MergeRequest;
import dev.agentorchestrator.MergeResult;
import dev.agentorchestrator.MergeResult.Outcome;
import dev.agentorchestrator.MergeStrategy;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.ScriptAgent;
import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The merge, against a git backend: each strategy, the CI gate, a conflict that leaves every byte
 * as it was, the checked-out base that follows or refuses, a concurrent change of the base, and the
 * queue that tests each merge result. Subclassed once per backend.
 */
public abstract class MergeContract {

    /** Writes {@code <file>} (the prompt's first word) with the prompt's text, and commits. */
    static final String WRITING_AGENT = String.join("\n",
            "echo SESSION w-$(basename \"$PWD\")",
            "f=\"${1%% *}\"; mkdir -p \"$(dirname \"$f\")\"; printf '%s\\n' \"$1\" > \"$f\"; git add \"$f\"",
            "git -c user.name=A -c user.email=a@example.invalid commit -q -m \"write $f\"",
            "echo done");

    @TempDir
    protected Path tmp;

    protected abstract GitBackend backend();

    private Orchestrator start(EngineFixture f, Orchestrator.Builder b) {
        return b.git(backend()).listener(f.events::add).agent(ScriptAgent.of(WRITING_AGENT)).start();
    }

    @Test
    void aMergeCommitMovesTheBaseTheCheckedOutBaseFollowsAndTheSessionIsCleanedUp() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = start(f, f.builder().feature("auth", "auth.txt the auth"))) {
            Session ready = o.await("auth", Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, ready.state());
            String head = f.git("rev-parse", "feature/auth");
            String mainBefore = f.git("rev-parse", "main");
            MergeResult r = o.merge("auth");
            assertEquals(Outcome.MERGED, r.outcome(), r.toString());
            String main = f.git("rev-parse", "main");
            assertEquals(r.mergedCommit().orElseThrow(), main);
            assertEquals(mainBefore + " " + head, f.git("log", "-1", "--format=%P", "main"), "a merge commit of both");
            assertEquals("auth.txt the auth\n", Files.readString(f.repo.resolve("auth.txt")), "the main worktree follows");
            assertEquals("", f.git("status", "--porcelain"), "and agrees with its HEAD");
            assertEquals(MERGED, o.session("auth").state());
            assertFalse(Files.exists(ready.worktree().orElseThrow()), "worktree removed");
            assertEquals("", f.git("branch", "--list", "feature/auth"), "branch deleted");
            Await.until("merge event", Duration.ofSeconds(10), () -> f.events.stream()
                    .anyMatch(e -> e instanceof OrchestratorEvent.MergeFinished m && m.result().merged()));
        }
    }

    @Test
    void squashFastForwardAndRebaseEachDoWhatTheySay() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = start(f, f.builder().feature("sq", "sq.txt squash me").feature("ff", "ff.txt fast")
                .feature("rb", "rb.txt rebase me"))) {
            o.awaitAll(Duration.ofSeconds(90));
            MergeResult squash = o.merge(MergeRequest.of("sq").withStrategy(MergeStrategy.SQUASH));
            assertEquals(Outcome.MERGED, squash.outcome(), squash.toString());
            assertEquals(1, f.git("log", "-1", "--format=%P", "main").split(" ").length, "one parent");
            assertTrue(f.git("log", "-1", "--format=%s", "main").startsWith("Feature sq:"));

            MergeResult notFf = o.merge(MergeRequest.of("ff").withStrategy(MergeStrategy.FAST_FORWARD_ONLY));
            assertEquals(Outcome.NOT_FAST_FORWARD, notFf.outcome(), "main moved since ff began: " + notFf);
            assertEquals(READY_TO_MERGE, o.session("ff").state(), "a refusal changes nothing");

            String rbCommits = f.git("rev-list", "--count", "main..feature/rb");
            MergeResult rebase = o.merge(MergeRequest.of("rb").withStrategy(MergeStrategy.REBASE));
            assertEquals(Outcome.MERGED, rebase.outcome(), rebase.toString());
            assertEquals(squash.mergedCommit().orElseThrow(), f.git("rev-parse", "main~" + rbCommits), "replayed on top, linear");
            assertEquals("rb.txt rebase me\n", Files.readString(f.repo.resolve("rb.txt")));
            assertEquals("", f.git("status", "--porcelain"));
        }
        EngineFixture g = new EngineFixture(tmp.resolve("second"));
        try (Orchestrator o = start(g, g.builder().feature("ff", "ff.txt fast"))) {
            o.await("ff", Duration.ofSeconds(60));
            String head = g.git("rev-parse", "feature/ff");
            MergeResult ff = o.merge(MergeRequest.of("ff").withStrategy(MergeStrategy.FAST_FORWARD_ONLY));
            assertEquals(Outcome.MERGED, ff.outcome(), ff.toString());
            assertEquals(head, g.git("rev-parse", "main"), "main is the feature's head");
        }
    }

    @Test
    void theCiGateRefusesRedAndStaleResults() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = start(f, f.builder().reactions().ci(Ci.command("bash", "-c", "test ! -f red.txt"))
                .feature("red", "red.txt failing").feature("stale", "ok.txt fine"))) {
            o.awaitAll(Duration.ofSeconds(90));
            assertEquals(IDLE, o.session("red").state());
            String main = f.git("rev-parse", "main");
            MergeResult red = o.merge("red");
            assertEquals(Outcome.REFUSED_CI, red.outcome());
            assertTrue(red.message().contains("red"), red.message());

            Path wt = o.session("stale").worktree().orElseThrow();
            TestRepos.commitFiles(wt, Map.of("later.txt", "a person's commit\n"), "by hand");
            MergeResult stale = o.merge("stale");
            assertEquals(Outcome.REFUSED_CI, stale.outcome());
            assertTrue(stale.message().contains("stale") && stale.message().contains("runCi"), stale.message());
            assertEquals(main, f.git("rev-parse", "main"), "nothing moved");
            o.runCi("stale");
            o.await("stale", Duration.ofSeconds(60));
            assertEquals(Outcome.MERGED, o.merge("stale").outcome());
        }
    }

    @Test
    void aConflictLeavesEveryRefIndexAndWorkingTreeByteForByteAsItWas() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = start(f, f.builder().feature("one", "src/app.txt version one").feature("two", "src/app.txt version two"))) {
            o.awaitAll(Duration.ofSeconds(90));
            assertEquals(Outcome.MERGED, o.merge("one").outcome());
            Path two = o.session("two").worktree().orElseThrow();
            Map<String, String> before = fingerprint(f.repo, two);
            MergeResult conflict = o.merge("two");
            assertEquals(Outcome.CONFLICT, conflict.outcome(), conflict.toString());
            assertEquals(List.of("src/app.txt"), conflict.conflicts());
            assertEquals(before, fingerprint(f.repo, two), "refs, indexes and files are as they were");
            assertEquals(READY_TO_MERGE, o.session("two").state());
            assertTrue(o.session("two").message().contains("conflict"), o.session("two").message());
        }
    }

    @Test
    void aCheckedOutBaseWithChangesInTheWayRefusesBeforeTheRefMoves() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = start(f, f.builder().feature("edit", "src/app.txt new content"))) {
            o.await("edit", Duration.ofSeconds(60));
            Files.writeString(f.repo.resolve("src/app.txt"), "a person's unsaved work\n");
            String main = f.git("rev-parse", "main");
            MergeResult r = o.merge("edit");
            assertEquals(Outcome.REFUSED_DIRTY_BASE, r.outcome(), r.toString());
            assertTrue(r.message().contains("src/app.txt") && r.message().contains(f.repo.toString()), r.message());
            assertEquals(main, f.git("rev-parse", "main"));
            assertEquals("a person's unsaved work\n", Files.readString(f.repo.resolve("src/app.txt")));
        }
    }

    @Test
    void theQueueTestsEachMergeResultAndABaseThatMovesMeanwhileIsNeverOverwritten() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        // Alone each feature is green; together (both files on one tree) the tests fail.
        String ci = "test ! -f a.txt -o ! -f b.txt";
        try (Orchestrator o = start(f, f.builder().reactions().ci(Ci.command("bash", "-c", ci))
                .feature("a", "a.txt one half").feature("b", "b.txt other half"))) {
            o.awaitAll(Duration.ofSeconds(90));
            List<MergeResult> results = o.mergeAll();
            assertEquals(Outcome.MERGED, results.get(0).outcome(), results.toString());
            assertEquals(Outcome.REFUSED_MERGE_RESULT_CI, results.get(1).outcome(), results.toString());
            assertEquals(results.get(0).mergedCommit().orElseThrow(), f.git("rev-parse", "main"), "the red combination never landed");
            assertFalse(Files.exists(f.repo.resolve("b.txt")));
            Await.until("the culprit's agent is told", Duration.ofSeconds(30), () -> f.events.stream()
                    .anyMatch(e -> e instanceof OrchestratorEvent.ReactionTaken r && r.session().equals("b")
                            && r.reaction().equals("merge-queue")));
            assertEquals("", f.git("worktree", "list", "--porcelain").contains("merge-test") ? "left" : "",
                    "the merge-test worktree is gone");
        }
        EngineFixture g = new EngineFixture(tmp.resolve("concurrent"));
        // The merge result's CI commits to main: the base moves between the computed merge and the ref update.
        String sneaky = "git -C '" + g.repo + "' -c user.name=P -c user.email=p@example.invalid commit -q --allow-empty -m sneaky";
        try (Orchestrator o = start(g, g.builder().reactions().ci(Ci.command("bash", "-c", sneaky)).feature("c", "c.txt x"))) {
            o.await("c", Duration.ofSeconds(60));
            MergeResult r = o.merge(List.of("c")).get(0);
            assertEquals(Outcome.CONCURRENT_UPDATE, r.outcome(), r.toString());
            assertEquals("sneaky", g.git("log", "-1", "--format=%s", "main"), "the other writer's commit is kept");
            assertEquals(READY_TO_MERGE, o.session("c").state());
        }
    }

    /** Every ref, every index file and every file of the main worktree and {@code worktree}, hashed. */
    static Map<String, String> fingerprint(Path repo, Path worktree) throws Exception {
        Map<String, String> all = new TreeMap<>();
        all.put("refs", TestRepos.git(repo, "for-each-ref", "--format=%(refname) %(objectname)"));
        all.put("HEAD", TestRepos.git(repo, "rev-parse", "HEAD"));
        for (Path root : List.of(repo, worktree)) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : files.filter(Files::isRegularFile).toList()) {
                    String rel = root.relativize(p).toString();
                    if (rel.startsWith(".git/agent-orchestrator") || rel.startsWith(".git/objects") || rel.startsWith(".git/logs")) {
                        continue; // the store, new objects and reflogs may change; refs and indexes may not
                    }
                    all.put(root.getFileName() + "/" + rel, HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                }
            }
        }
        return all;
    }
}
