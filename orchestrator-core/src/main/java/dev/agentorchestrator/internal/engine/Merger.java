package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.ConcurrentRefUpdateException;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.MergeRequest;
import dev.agentorchestrator.MergeResult;
import dev.agentorchestrator.MergeResult.Outcome;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.spi.CiRequest;
import dev.agentorchestrator.spi.CiRunner;
import dev.agentorchestrator.spi.CommitRequest;
import dev.agentorchestrator.spi.GitRepository;
import dev.agentorchestrator.spi.MergePreview;
import dev.agentorchestrator.spi.ReplayResult;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.spi.StateStore;
import dev.agentorchestrator.spi.WorktreeRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges finished features into their base branch without touching any working tree until the
 * very end: the merged commit is computed in the object database (merge-tree and commit-tree, or a
 * replay), optionally tested in a temporary worktree of its own, then the base ref moves with a
 * compare-and-swap on the value it had, and only then do worktrees with the base checked out follow
 * (having been checked for changes in the way before the ref moved). Every refusal leaves refs,
 * worktrees and indexes as they were. One merge at a time per orchestrator.
 */
final class Merger {
    private static final Logger log = LoggerFactory.getLogger(Merger.class);

    private final Lifecycle lifecycle;
    private final GitRepository git;
    private final EventHub events;
    private final CiRunner ci;
    private final Duration ciTimeout;
    private final StateStore store;
    private final Reactor reactor;
    private final boolean testResults;
    private final Consumer<String> wake;

    /** {@code wake}: queues the work of a session that a reaction just sent a follow-up (the engine's scheduler). */
    Merger(Lifecycle lifecycle, GitRepository git, EventHub events, CiRunner ci, Duration ciTimeout, StateStore store,
           Reactor reactor, boolean testResults, Consumer<String> wake) {
        this.lifecycle = lifecycle;
        this.git = git;
        this.events = events;
        this.ci = ci;
        this.ciTimeout = ciTimeout;
        this.store = store;
        this.reactor = reactor;
        this.testResults = testResults && !"none".equals(ci.name());
        this.wake = wake;
    }

    /** Whether merge results are tested before the base moves (a CI runner is set and the option is on). */
    boolean testsResults() {
        return testResults;
    }

    synchronized MergeResult merge(MergeRequest request, boolean testResult) {
        SessionRecord s = lifecycle.get(request.feature());
        String name = s.name();
        String base = request.baseBranch().orElse(s.baseBranch());
        String baseBefore = git.resolve(base).orElseThrow(() -> new GitException("Merging '" + name + "': the base branch '"
                + base + "' does not resolve to a commit; name an existing branch with MergeRequest.into(...)"));
        Optional<MergeResult> refused = gate(s, request, base, baseBefore);
        if (refused.isPresent()) {
            events.publish(new OrchestratorEvent.MergeFinished(lifecycle.now(), name, refused.get()));
            return refused.get();
        }
        Lifecycle.Applied started = lifecycle.apply(name, Transition.MERGE_START, "merging into " + base,
                b -> b.work(Session.Work.RUNNING));
        if (started.halted()) {
            return finish(name, new MergeResult(name, Outcome.REFUSED_STATE, base, baseBefore, Optional.empty(), List.of(),
                    "stopped before the merge began; nothing moved"), request, false);
        }
        MergeResult result;
        try {
            result = compute(s, request, base, baseBefore, testResult && testResults);
        } catch (RuntimeException e) {
            log.warn("merging {} failed", name, e);
            result = new MergeResult(name, Outcome.REFUSED_STATE, base, baseBefore, Optional.empty(), List.of(),
                    "the merge failed before the base moved: " + e.getMessage());
        }
        return finish(name, result, request, true);
    }

    Optional<MergeResult> gate(SessionRecord s, MergeRequest request, String base, String baseBefore) {
        String name = s.name();
        String head = git.resolve(s.branch()).orElseThrow();
        boolean settledForMerge = (s.state() == SessionState.READY_TO_MERGE || s.state() == SessionState.IDLE)
                && s.work() == Session.Work.NONE;
        if (request.requireGreenCi() && settledForMerge) {
            Optional<CiResult> lastCi = s.lastCi();
            if (lastCi.isEmpty()) {
                return refuse(s, Outcome.REFUSED_CI, base, baseBefore, "no CI result for '" + name + "' (missing); run it with"
                        + " runCi(\"" + name + "\"), or merge with MergeRequest.of(\"" + name + "\").withoutCiGate()");
            }
            CiResult r = lastCi.get();
            if (!r.status().isGreen()) {
                return refuse(s, Outcome.REFUSED_CI, base, baseBefore, "the latest CI run of '" + name + "' is red ("
                        + r.status() + ": " + r.summary() + "); fix it first");
            }
            if (!r.commit().equals(head)) {
                return refuse(s, Outcome.REFUSED_CI, base, baseBefore, "the latest CI result of '" + name + "' is for "
                        + shortId(r.commit()) + " but the branch is at " + shortId(head) + " (stale); run CI again with runCi(\""
                        + name + "\")");
            }
        }
        if (s.view().isHandedOver()) {
            // A person works in it (hold(...), the command line's attach): what they commit next would be left behind.
            return refuse(s, Outcome.REFUSED_STATE, base, baseBefore, "Session '" + name + "' is held by a person ("
                    + s.attention() + "); merge it once they hand it back (release(\"" + name + "\"))");
        }
        if (s.state() != SessionState.READY_TO_MERGE || s.work() != Session.Work.NONE) {
            return refuse(s, Outcome.REFUSED_STATE, base, baseBefore, "Session '" + name + "' is " + s.state()
                    + (s.work() != Session.Work.NONE ? " and still being worked on" : "") + "; only a session READY_TO_MERGE"
                    + " with nothing running merges. Wait for it (await), or prompt it to finish its work.");
        }
        if (!request.ignoreUncommitted()) {
            List<String> dirty = uncommitted(s);
            if (!dirty.isEmpty()) {
                return refuse(s, Outcome.REFUSED_UNCOMMITTED, base, baseBefore, "the worktree of '" + name
                        + "' has uncommitted changes in " + String.join(", ", dirty) + "; commit or discard them, or merge with"
                        + " ignoringUncommittedChanges() (they stay out of the merge)");
            }
        }
        return Optional.empty();
    }

    private List<String> uncommitted(SessionRecord s) {
        Optional<Path> wt = s.worktree().filter(Files::isDirectory).filter(p -> git.findWorktree(p).isPresent());
        if (wt.isEmpty()) {
            return List.of();
        }
        return git.uncommittedChanges(wt.get()).stream().map(c -> c.path())
                .filter(p -> !s.setup().copyFiles().contains(p)).toList();
    }

    private static Optional<MergeResult> refuse(SessionRecord s, Outcome outcome, String base, String baseBefore, String why) {
        return Optional.of(result(s, outcome, base, baseBefore, why));
    }

    private MergeResult compute(SessionRecord s, MergeRequest request, String base, String baseBefore, boolean testResult) {
        Computed c = computeOnto(s, request, base, baseBefore, baseBefore);
        if (c.refusal().isPresent()) {
            return c.refusal().get();
        }
        String merged = c.commit().orElseThrow();
        if (testResult) {
            CiResult ci = testCommit(List.of(s.name()), base, merged, 1);
            if (!ci.status().isGreen()) {
                return culprit(s.name(), base, baseBefore, ci, "");
            }
        }
        return advance(s.name(), request, base, baseBefore, merged, "");
    }

    /** A merged commit, or why there is none. Exactly one of the two is present. */
    record Computed(Optional<String> commit, Optional<MergeResult> refusal) {
        static Computed of(String commit) {
            return new Computed(Optional.of(commit), Optional.empty());
        }

        static Computed refused(MergeResult r) {
            return new Computed(Optional.empty(), Optional.of(r));
        }
    }

    /**
     * The commit that merging the session's branch on top of {@code onto} gives (the base itself,
     * or the base with the features before it in a batch), in the object database only: no
     * working tree, index or ref is touched. Refusals name {@code baseBefore}, the base's commit.
     */
    Computed computeOnto(SessionRecord s, MergeRequest request, String base, String baseBefore, String onto) {
        String name = s.name();
        String head = git.resolve(s.branch()).orElseThrow(() -> new GitException("Merging '" + name + "': its branch "
                + s.branch() + " is gone; nothing to merge"));
        switch (request.strategy()) {
            case FAST_FORWARD_ONLY -> {
                var d = git.divergence(head, onto);
                if (d.ahead() == 0) {
                    return Computed.refused(result(s, Outcome.ALREADY_MERGED, base, baseBefore, "the commits of '" + name + "' are already on " + base));
                }
                if (d.behind() > 0) {
                    return Computed.refused(result(s, Outcome.NOT_FAST_FORWARD, base, baseBefore, base + " has " + d.behind()
                            + " commit(s) that '" + name + "' lacks; merge with MergeStrategy.MERGE_COMMIT or REBASE"));
                }
                return Computed.of(head);
            }
            case REBASE -> {
                List<String> commits = git.commitsBetween(onto, head);
                if (commits.isEmpty()) {
                    return Computed.refused(result(s, Outcome.ALREADY_MERGED, base, baseBefore, "the commits of '" + name + "' are already on " + base));
                }
                ReplayResult replay = git.replay(commits, onto);
                if (!replay.isClean()) {
                    return Computed.refused(new MergeResult(name, Outcome.CONFLICT, base, baseBefore, Optional.empty(), replay.conflicts(),
                            "replaying " + shortId(replay.conflictingCommit().orElse("?")) + " onto " + base + " conflicts in "
                                    + String.join(", ", replay.conflicts()) + "; nothing moved. Ask the agent to merge "
                                    + base + " into its branch and resolve them, then merge again"));
                }
                return Computed.of(replay.tip().orElse(onto));
            }
            default -> {
                MergePreview preview = git.mergeTree(onto, head);
                if (preview.isAlreadyMerged()) {
                    return Computed.refused(result(s, Outcome.ALREADY_MERGED, base, baseBefore, "the commits of '" + name + "' are already on " + base));
                }
                if (!preview.isClean()) {
                    return Computed.refused(new MergeResult(name, Outcome.CONFLICT, base, baseBefore, Optional.empty(), preview.conflicts(),
                            "merging into " + base + " conflicts in " + String.join(", ", preview.conflicts())
                                    + "; nothing moved. Ask the agent to merge " + base + " into its branch and resolve them,"
                                    + " then merge again"));
                }
                boolean squash = request.strategy() == dev.agentorchestrator.MergeStrategy.SQUASH;
                List<String> parents = squash ? List.of(onto) : List.of(onto, head);
                return Computed.of(git.commitTree(CommitRequest.of(preview.tree().orElseThrow(), parents,
                        request.message().orElseGet(() -> defaultMessage(s, base, squash)))));
            }
        }
    }

    /**
     * Moves {@code base} from {@code baseBefore} to {@code merged}, which was computed (and, in the
     * queue, tested) before: refused before the ref moves when a worktree with the base checked out
     * has changes in the way; a compare-and-swap on the ref, so a concurrent change is reported and
     * never overwritten; then those worktrees follow. The result is for {@code name}; {@code with}
     * describes the batch it was tested in, for the message.
     */
    MergeResult advance(String name, MergeRequest request, String base, String baseBefore, String merged, String with) {
        List<Path> checkedOut = git.worktreesWithBranch(base);
        for (Path wt : checkedOut) {
            List<String> inTheWay = git.uncommittedChangesInTheWay(wt, baseBefore, merged);
            if (!inTheWay.isEmpty()) {
                return new MergeResult(name, Outcome.REFUSED_DIRTY_BASE, base, baseBefore, Optional.empty(), List.of(), base
                        + " is checked out in " + wt + ", which has uncommitted changes in files the merge changes: "
                        + String.join(", ", inTheWay) + "; commit or stash them there, then merge again. Nothing moved.");
            }
        }
        try {
            git.updateBranch(base, merged, baseBefore);
        } catch (ConcurrentRefUpdateException e) {
            return new MergeResult(name, Outcome.CONCURRENT_UPDATE, base, baseBefore, Optional.empty(), List.of(), e.getMessage()
                    + "; nothing was overwritten. Merge again to merge onto the new " + base);
        }
        List<String> stale = new ArrayList<>();
        for (Path wt : checkedOut) {
            try {
                git.advanceWorktree(wt, baseBefore, merged);
            } catch (GitException e) {
                stale.add(wt + " (" + e.getMessage() + ")");
            }
        }
        String followed = checkedOut.isEmpty() ? "" : "; " + (stale.isEmpty() ? "the worktree(s) with " + base
                + " checked out were updated" : "these worktrees could not be updated and disagree with " + base + ": "
                + String.join("; ", stale) + " (run 'git checkout -f " + base + "' there)");
        return new MergeResult(name, Outcome.MERGED, base, baseBefore, Optional.of(merged), List.of(),
                "merged into " + base + " as " + shortId(merged) + " (" + request.strategy().name().toLowerCase().replace('_', ' ')
                        + ")" + with + followed);
    }

    /**
     * Removes the merge-test worktrees and branches a killed host left behind; called at start,
     * under the engine lock, so none is in use. Found by the engine kill loop. A branch is removed
     * on its own too, since a host can be killed between removing the worktree and the branch.
     */
    void removeLeftoverMergeTests() {
        for (dev.agentorchestrator.Worktree w : git.listWorktrees()) {
            if (w.main() || !w.path().getFileName().toString().startsWith(MERGE_TEST_PREFIX)) {
                continue;
            }
            try {
                git.removeWorktree(w.path(), true);
                Optional<String> branch = w.branch().filter(b -> b.startsWith(MERGE_TEST_BRANCH_PREFIX));
                if (branch.isPresent() && git.branchExists(branch.get())) {
                    git.deleteBranch(branch.get(), true);
                }
                log.warn("removed the merge-test worktree {} a previous orchestrator left", w.path());
            } catch (GitException e) {
                log.warn("could not remove the merge-test worktree {} a previous orchestrator left", w.path(), e);
            }
        }
        try {
            for (String branch : git.branchesStartingWith(MERGE_TEST_BRANCH_PREFIX)) {
                if (git.worktreesWithBranch(branch).isEmpty()) {
                    git.deleteBranch(branch, true);
                    log.warn("removed the merge-test branch {} a previous orchestrator left", branch);
                }
            }
        } catch (GitException e) {
            log.warn("could not look for merge-test branches a previous orchestrator left: {}", e.getMessage());
        }
    }

    /**
     * CI on {@code merged}, in a temporary worktree of its own (removed afterwards, whatever
     * happens); the output goes to the transcript of each feature in {@code features}.
     */
    CiResult testCommit(List<String> features, String base, String merged, int attempt) {
        String stamp = Instant.now().toEpochMilli() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
        Path folder = git.workTree().resolveSibling(git.workTree().getFileName() + ".worktrees")
                .resolve(MERGE_TEST_PREFIX + stamp);
        String branch = MERGE_TEST_BRANCH_PREFIX + stamp;
        for (String f : features) {
            lifecycle.note(f, "testing the merge result " + shortId(merged) + (features.size() > 1 ? " (with "
                    + String.join(", ", features) + ")" : "") + " in " + folder + (attempt > 1 ? ", again" : ""));
            events.publish(new OrchestratorEvent.MergeTesting(lifecycle.now(), f, merged, features, attempt));
        }
        CiResult result;
        try {
            Files.createDirectories(folder.getParent());
            git.createWorktree(WorktreeRequest.newBranch(folder, branch, merged));
            result = ci.run(new CiRequest(features.get(0), folder, merged, ciTimeout,
                    line -> features.forEach(f -> store.log(f).append("merge ci: " + line))));
        } catch (java.io.IOException | RuntimeException e) {
            result = CiResult.builder(CiResult.Status.ERROR, merged).finishedAt(Instant.now())
                    .summary("the merge result could not be tested: " + e.getMessage()).build();
        } finally {
            try {
                if (git.findWorktree(folder).isPresent()) {
                    git.removeWorktree(folder, true);
                }
                if (git.branchExists(branch)) {
                    git.deleteBranch(branch, true);
                }
            } catch (GitException e) {
                log.warn("could not remove the merge-test worktree {}", folder, e);
            }
        }
        for (String f : features) {
            events.publish(new OrchestratorEvent.CiFinished(Instant.now(), f, result));
        }
        return result;
    }

    /** The folder name of a merge-test worktree begins with this (a restart removes the ones a killed engine left). */
    static final String MERGE_TEST_PREFIX = ".merge-test-";

    /** The merge-test worktree's branch name begins with this. */
    static final String MERGE_TEST_BRANCH_PREFIX = "agent-orchestrator/merge-test-";

    /**
     * The feature whose merge result is red: its agent is sent the failing output (a
     * {@code merge-queue} reaction), and the result says the base did not move.
     */
    MergeResult culprit(String name, String base, String baseBefore, CiResult red, String how) {
        StringBuilder failures = new StringBuilder();
        red.failures().forEach(f -> failures.append("- ").append(f.displayName()).append(": ").append(f.message()).append('\n'));
        reactor.followUp(name, "merge-queue", "Your branch passes its tests alone, but merged into " + base
                + how + " the tests fail: " + red.summary() + "."
                + (failures.length() == 0 ? "" : "\nFailing tests:\n" + failures.toString().strip())
                + (red.outputTail().isBlank() ? "" : "\nThe end of the test output:\n" + red.outputTail().strip())
                + "\nMerge " + base + " into your branch, fix what breaks, and commit.", "the merge result's CI is red");
        return new MergeResult(name, Outcome.REFUSED_MERGE_RESULT_CI, base, baseBefore, Optional.empty(), List.of(),
                "merged into " + base + how + ", the tests fail (" + red.summary() + "); " + base
                        + " did not move, and the agent was asked to fix it");
    }

    /**
     * Ends a merge that began ({@code started}: the session is MERGING) or was refused before:
     * MERGED (and cleaned up) or back to READY_TO_MERGE, a transcript line, the event; a conflict
     * goes to the reactions (the optional {@code mergeConflictResolution}), and a follow-up they
     * or the merge queue sent is queued as work.
     */
    MergeResult finish(String name, MergeResult r, MergeRequest request, boolean started) {
        if (started) {
            if (r.merged()) {
                lifecycle.apply(name, Transition.MERGE_DONE, r.message(), b -> b.work(Session.Work.NONE));
                cleanUp(name, request);
            } else {
                lifecycle.apply(name, Transition.MERGE_REFUSED, "merge " + r.outcome().name().toLowerCase().replace('_', ' ')
                        + ": " + r.message(), b -> b.work(Session.Work.NONE));
            }
        }
        lifecycle.note(name, "merge: " + r.outcome() + ": " + r.message());
        events.publish(new OrchestratorEvent.MergeFinished(lifecycle.now(), name, r));
        if (r.outcome() == Outcome.CONFLICT) {
            reactor.react(name, dev.agentorchestrator.spi.Reaction.Kind.MERGE_CONFLICT, Optional.empty(),
                    "merging " + lifecycle.get(name).branch() + " into " + r.baseBranch() + " conflicts in "
                            + String.join(", ", r.conflicts()));
        }
        if (!r.merged()) {
            wake.accept(name);
        }
        return r;
    }

    /** Merges, one at a time, run under this monitor (the queue's runs too). */
    Object monitor() {
        return this;
    }

    GitRepository git() {
        return git;
    }

    Lifecycle lifecycle() {
        return lifecycle;
    }

    void cleanUp(String name, MergeRequest request) {
        SessionRecord s = lifecycle.get(name);
        Optional<Path> wt = s.worktree().filter(p -> git.findWorktree(p).isPresent());
        boolean removed = wt.isEmpty();
        try {
            if (request.removeWorktree() && wt.isPresent()) {
                if (git.isDirty(wt.get())) {
                    lifecycle.note(name, "the worktree " + wt.get() + " is kept: it has uncommitted changes");
                } else {
                    git.removeWorktree(wt.get(), false);
                    removed = true;
                }
            }
            if (request.deleteBranch() && removed && git.branchExists(s.branch())) {
                git.deleteBranch(s.branch(), true); // its work is on the base (squash and rebase leave no ancestry)
            }
        } catch (GitException e) {
            lifecycle.note(name, "cleaning up after the merge failed: " + e.getMessage());
        }
    }

    static MergeResult result(SessionRecord s, Outcome outcome, String base, String baseBefore, String why) {
        return new MergeResult(s.name(), outcome, base, baseBefore, Optional.empty(), List.of(), why);
    }

    private static String defaultMessage(SessionRecord s, String base, boolean squash) {
        String firstLine = s.prompt().lines().findFirst().orElse("").strip();
        if (firstLine.length() > 60) {
            firstLine = firstLine.substring(0, 57) + "...";
        }
        String title = squash ? "Feature " + s.name() + ": " + firstLine : "Merge feature '" + s.name() + "' into " + base;
        return title + "\n\nTask: " + s.prompt() + (s.message().isBlank() ? "" : "\n\nLast word: " + s.message()) + "\n";
    }

    static String shortId(String commit) {
        return commit.substring(0, Math.min(7, commit.length()));
    }
}
