package dev.agentorchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.MergeQueueEntry;
import dev.agentorchestrator.MergeRequest;
import dev.agentorchestrator.MergeResult;
import dev.agentorchestrator.MergeResult.Outcome;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Reactions;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.UnknownSessionException;
import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.ScriptAgent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The merge queue, against a git backend: batches bisected to the one bad feature, a flaky red
 * batch retried once, priorities, a feature taken out of a batch it conflicts with and the
 * conflict reaction, the events, and a queue half done when its host is killed. Subclassed once
 * per backend.
 */
public abstract class MergeQueueContract {

    @TempDir
    protected Path tmp;

    protected abstract GitBackend backend();

    private Orchestrator start(EngineFixture f, Orchestrator.Builder b) {
        return b.git(backend()).listener(f.events::add).agent(ScriptAgent.of(MergeContract.WRITING_AGENT)).start();
    }

    /** A CI command that passes outside merge-test worktrees and runs {@code mergeTest} inside them. */
    static String onlyInMergeTests(String mergeTest) {
        return "case \"$PWD\" in *.merge-test-*) " + mergeTest + " ;; esac; exit 0";
    }

    @Test
    void aRedBatchOfFourIsRetriedOnceThenBisectedToTheOneBadFeatureAndTheRestMerges() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path runs = tmp.resolve("runs.log");
        String ci = onlyInMergeTests("files=$(ls *.txt | tr '\\n' ' '); "
                + "if [ -f bad.txt ]; then echo \"$(git rev-parse HEAD) red $files\" >> '" + runs + "'; echo 'bad.txt breaks the build'; exit 1; fi; "
                + "echo \"$(git rev-parse HEAD) green $files\" >> '" + runs + "'");
        try (Orchestrator o = start(f, f.builder().ci(Ci.command("bash", "-c", ci)).mergeBatchSize(4)
                .feature("a", "a.txt A").feature("b", "b.txt B").feature("bad", "bad.txt breaks").feature("d", "d.txt D"))) {
            o.awaitAll(Duration.ofSeconds(120));
            List<MergeResult> results = o.mergeAll();

            assertEquals(List.of("a", "b", "bad", "d"), results.stream().map(MergeResult::feature).toList(), "queue order");
            assertEquals(List.of(Outcome.MERGED, Outcome.MERGED, Outcome.REFUSED_MERGE_RESULT_CI, Outcome.MERGED),
                    results.stream().map(MergeResult::outcome).toList(), results.toString());
            List<String> lines = Files.readAllLines(runs);
            assertEquals(List.of("red a.txt b.txt bad.txt d.txt", "red a.txt b.txt bad.txt d.txt", "green a.txt b.txt",
                    "red a.txt b.txt bad.txt d.txt", "red a.txt b.txt bad.txt", "green a.txt b.txt d.txt"),
                    lines.stream().map(l -> l.substring(41).strip()).toList(),
                    "the batch, its retry, the good half, the other half, the culprit alone, the last good one");
            String main = f.git("rev-parse", "main");
            assertEquals(lines.get(5).substring(0, 40), main, "main is exactly the last commit tested green");
            assertEquals(main, results.get(3).mergedCommit().orElseThrow());
            assertEquals(lines.get(2).substring(0, 40), results.get(0).mergedCommit().orElseThrow(), "a and b landed together");
            assertFalse(Files.exists(f.repo.resolve("bad.txt")), "the culprit never reached main");
            assertTrue(results.get(2).message().contains("the tests fail"), results.get(2).message());

            // The culprit's agent gets the failing output: the writing agent commits its prompt to a file named after its first word.
            Path culprit = o.session("bad").worktree().orElseThrow();
            Await.until("the culprit's agent is told", Duration.ofSeconds(60), () -> Files.exists(culprit.resolve("Your")));
            String told = Files.readString(culprit.resolve("Your"));
            assertTrue(told.contains("bad.txt breaks the build") && told.contains("merged into main"), told);

            Await.until("events", Duration.ofSeconds(10), () -> f.events.stream().filter(e -> e instanceof OrchestratorEvent.MergeFinished).count() >= 4);
            assertEquals(4, f.events.stream().filter(e -> e instanceof OrchestratorEvent.MergeQueued).count());
            List<OrchestratorEvent.MergeTesting> tests = f.events.stream().filter(e -> e instanceof OrchestratorEvent.MergeTesting t
                    && t.session().equals("a")).map(e -> (OrchestratorEvent.MergeTesting) e).toList();
            assertEquals(List.of(List.of("a", "b", "bad", "d"), List.of("a", "b", "bad", "d"), List.of("a", "b")),
                    tests.stream().map(OrchestratorEvent.MergeTesting::batch).toList());
            assertEquals(List.of(1, 2, 1), tests.stream().map(OrchestratorEvent.MergeTesting::attempt).toList());
            assertTrue(f.events.stream().anyMatch(e -> e instanceof OrchestratorEvent.ReactionTaken r && r.session().equals("bad")
                    && r.reaction().equals("merge-queue")));
            List<MergeQueueEntry> queue = o.status().mergeQueue();
            assertEquals(List.of(MergeQueueEntry.State.MERGED, MergeQueueEntry.State.MERGED, MergeQueueEntry.State.REFUSED,
                    MergeQueueEntry.State.MERGED), queue.stream().map(MergeQueueEntry::state).toList(), queue.toString());
            assertTrue(o.status().toTable().contains("merge queue 3: bad (priority 0) REFUSED REFUSED_MERGE_RESULT_CI"),
                    o.status().toTable());
            assertFalse(f.git("worktree", "list").contains(".merge-test-"), "no merge-test worktree is left");
        }
    }

    @Test
    void aRedBatchThatIsGreenWhenTestedAgainMergesWhole() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path flag = tmp.resolve("failed-once");
        String ci = onlyInMergeTests("if [ ! -f '" + flag + "' ]; then touch '" + flag + "'; echo flaky; exit 1; fi");
        try (Orchestrator o = start(f, f.builder().ci(Ci.command("bash", "-c", ci)).feature("a", "a.txt A").feature("b", "b.txt B"))) {
            o.awaitAll(Duration.ofSeconds(90));
            List<MergeResult> results = o.merge(List.of("a", "b"));
            assertEquals(List.of(Outcome.MERGED, Outcome.MERGED), results.stream().map(MergeResult::outcome).toList(), results.toString());
            assertEquals(results.get(0).mergedCommit(), results.get(1).mergedCommit(), "one tested commit for the batch");
            assertEquals(results.get(0).mergedCommit().orElseThrow(), f.git("rev-parse", "main"));
            assertTrue(results.get(0).message().contains("tested together with a, b"), results.get(0).message());
            Await.until("the retry's event", Duration.ofSeconds(10), () -> f.events.stream()
                    .anyMatch(e -> e instanceof OrchestratorEvent.MergeTesting t && t.attempt() == 2));
            assertEquals(SessionState.MERGED, o.session("b").state());
        }
    }

    @Test
    void theQueueGoesByPriorityThenArrivalAndAPriorityCanChangeWhileQueued() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = start(f, f.builder().mergeBatchSize(1)
                .feature("x", "x.txt X").feature("y", "y.txt Y").feature("z", "z.txt Z"))) {
            o.awaitAll(Duration.ofSeconds(90));
            o.queueMerge(MergeRequest.of("x"));
            o.queueMerge(MergeRequest.of("y").withPriority(5));
            o.queueMerge(MergeRequest.of("z"));
            assertEquals(List.of("y", "x", "z"), o.status().mergeQueue().stream().map(MergeQueueEntry::feature).toList());
            MergeQueueEntry moved = o.prioritizeMerge("z", 9);
            assertEquals(9, moved.priority());
            assertEquals(List.of("z", "y", "x"), o.status().mergeQueue().stream().map(MergeQueueEntry::feature).toList());
            assertTrue(o.status().toTable().contains("merge queue 1: z (priority 9) QUEUED"), o.status().toTable());

            String before = f.git("rev-parse", "main");
            ConfigurationException twice = assertThrows(ConfigurationException.class, () -> o.queueMerge(MergeRequest.of("x")));
            assertTrue(twice.getMessage().contains("already in the merge queue") && twice.getMessage().contains("prioritizeMerge"),
                    twice.getMessage());
            assertThrows(UnknownSessionException.class, () -> o.queueMerge(MergeRequest.of("nobody")));
            assertEquals(3, o.status().mergeQueue().size(), "a refusal leaves the queue as it was");

            List<MergeResult> results = o.runMergeQueue();
            assertEquals(List.of("z", "y", "x"), results.stream().map(MergeResult::feature).toList());
            assertTrue(results.stream().allMatch(MergeResult::merged), results.toString());
            assertEquals(List.of("Merge feature 'x' into main", "Merge feature 'y' into main", "Merge feature 'z' into main"),
                    List.of(f.git("log", "--first-parent", "--format=%s", before + "..main").split("\n")), "z first, x last");
            ConfigurationException notQueued = assertThrows(ConfigurationException.class, () -> o.prioritizeMerge("x", 1));
            assertTrue(notQueued.getMessage().contains("not waiting in the merge queue"), notQueued.getMessage());
        }
    }

    @Test
    void aFeatureConflictingWithTheBatchWaitsThenConflictsAndTheReactionHasItsAgentResolveIt() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        String agent = String.join("\n",
                "case \"$1\" in",
                "  'Your branch could not be merged'*)",
                "    echo SESSION r-$(basename \"$PWD\")",
                "    git -c user.name=A -c user.email=a@example.invalid merge -q -X ours -m 'merge main, keep mine' main; echo resolved ;;",
                "  *)",
                MergeContract.WRITING_AGENT,
                "  ;;",
                "esac");
        try (Orchestrator o = f.builder().git(backend()).listener(f.events::add).agent(ScriptAgent.of(agent))
                .reaction(Reactions.mergeConflictResolution())
                .feature("one", "src/app.txt version one").feature("three", "three.txt other file")
                .feature("two", "src/app.txt version two").start()) {
            o.awaitAll(Duration.ofSeconds(90));
            o.queueMerge(MergeRequest.of("one"));
            o.queueMerge(MergeRequest.of("two"));
            o.queueMerge(MergeRequest.of("three"));
            List<MergeResult> results = o.runMergeQueue();
            assertEquals(List.of(Outcome.MERGED, Outcome.CONFLICT, Outcome.MERGED), results.stream().map(MergeResult::outcome).toList(),
                    results.toString());
            assertEquals(results.get(0).mergedCommit(), results.get(2).mergedCommit(), "one and three merged together, without two");
            assertEquals(List.of("src/app.txt"), results.get(1).conflicts());
            Await.until("the conflict event", Duration.ofSeconds(10), () -> f.events.stream().anyMatch(e ->
                    e instanceof OrchestratorEvent.MergeFinished m && m.session().equals("two") && m.result().outcome() == Outcome.CONFLICT));

            Await.until("the agent merged main into its branch", Duration.ofSeconds(60), () -> f.events.stream()
                    .anyMatch(e -> e instanceof OrchestratorEvent.ReactionTaken r && r.session().equals("two")
                            && r.reaction().equals("merge-conflict-resolution")));
            o.await("two", Duration.ofSeconds(60));
            Await.until("two is ready again", Duration.ofSeconds(60), () -> o.session("two").state() == SessionState.READY_TO_MERGE
                    && o.status().isSettled("two"));
            MergeResult again = o.merge(List.of("two")).get(0);
            assertEquals(Outcome.MERGED, again.outcome(), again.toString());
            assertEquals("src/app.txt version two\n", Files.readString(f.repo.resolve("src/app.txt")), "its side, as it resolved");
        }
    }

    @Test
    void aQueueHalfDoneWhenItsHostIsKilledIsShownAfterARestartAndResumedByTheNextRun() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path blocked = tmp.resolve("blocked.pid");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process host = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), MergeQueueHostMain.class.getName(),
                f.repo.toString(), backend().name(), blocked.toString()).redirectErrorStream(true).start();
        StringBuilder seen = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8))) {
                out.lines().forEach(l -> {
                    synchronized (seen) {
                        seen.append(l).append('\n');
                    }
                });
            } catch (Exception ignored) {
                // the host was killed
            }
        });
        reader.start();
        long ciPid;
        try {
            Await.until("the host tests b's merge result", Duration.ofSeconds(180), () -> Files.exists(blocked)
                    && !readQuietly(blocked).isBlank() || !host.isAlive());
            assertTrue(host.isAlive(), () -> "the host ended early:\n" + seen);
            ciPid = Long.parseLong(readQuietly(blocked).strip());
        } finally {
            host.destroyForcibly(); // SIGKILL: no shutdown hook, the queue is left as stored
            assertTrue(host.waitFor(30, TimeUnit.SECONDS));
        }
        ProcessHandle.of(ciPid).ifPresent(ProcessHandle::destroyForcibly);
        reader.join(10_000);
        String mainAfterA = f.git("rev-parse", "main");
        assertTrue(Files.exists(f.repo.resolve("a.txt")) && !Files.exists(f.repo.resolve("b.txt")), "a merged, b not yet");

        try (Orchestrator o = start(f, f.builder().ci(Ci.command("bash", "-c", "exit 0")).mergeBatchSize(1))) {
            List<MergeQueueEntry> queue = o.status().mergeQueue();
            assertEquals(List.of("a", "b", "c"), queue.stream().map(MergeQueueEntry::feature).toList(), queue.toString());
            assertEquals(List.of(MergeQueueEntry.State.MERGED, MergeQueueEntry.State.QUEUED, MergeQueueEntry.State.QUEUED),
                    queue.stream().map(MergeQueueEntry::state).toList(), queue.toString());
            assertTrue(queue.get(1).detail().contains("queued again"), queue.get(1).detail());
            assertEquals(SessionState.READY_TO_MERGE, o.session("b").state(), "not left MERGING");
            assertFalse(f.git("worktree", "list").contains(".merge-test-"), "the killed test's worktree is gone");
            assertFalse(f.git("branch", "--list", "agent-orchestrator/*").contains("merge-test"), "and its branch");
            assertEquals(mainAfterA, f.git("rev-parse", "main"), "nothing moved at start");

            List<MergeResult> results = o.runMergeQueue();
            assertEquals(List.of("b", "c"), results.stream().map(MergeResult::feature).toList());
            assertTrue(results.stream().allMatch(MergeResult::merged), results.toString());
            assertTrue(Files.exists(f.repo.resolve("b.txt")) && Files.exists(f.repo.resolve("c.txt")));
            assertTrue(o.status().mergeQueue().stream().allMatch(e -> e.state() == MergeQueueEntry.State.MERGED));
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return "";
        }
    }
}
