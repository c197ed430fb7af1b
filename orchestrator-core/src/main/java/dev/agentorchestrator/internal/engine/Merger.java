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

    Merger(Lifecycle lifecycle, GitRepository git, EventHub events, CiRunner ci, Duration ciTimeout, StateStore store,
           Reactor reactor, boolean testResults) {
        this.lifecycle = lifecycle;
        this.git = git;
        this.events = events;
        this.ci = ci;
        this.ciTimeout = ciTimeout;
        this.store = store;
        this.reactor = reactor;
        this.testResults = testResults && !"none".equals(ci.name());
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

    private Optional<MergeResult> gate(SessionRecord s, MergeRequest request, String base, String baseBefore) {
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
        String name = s.name();
        String head = git.resolve(s.branch()).orElseThrow();
        String merged;
        switch (request.strategy()) {
            case FAST_FORWARD_ONLY -> {
                var d = git.divergence(head, baseBefore);
                if (d.ahead() == 0) {
                    return result(s, Outcome.ALREADY_MERGED, base, baseBefore, "the commits of '" + name + "' are already on " + base);
                }
                if (d.behind() > 0) {
                    return result(s, Outcome.NOT_FAST_FORWARD, base, baseBefore, base + " has " + d.behind()
                            + " commit(s) that '" + name + "' lacks; merge with MergeStrategy.MERGE_COMMIT or REBASE");
                }
                merged = head;
            }
            case REBASE -> {
                List<String> commits = git.commitsBetween(baseBefore, head);
                if (commits.isEmpty()) {
                    return result(s, Outcome.ALREADY_MERGED, base, baseBefore, "the commits of '" + name + "' are already on " + base);
                }
                ReplayResult replay = git.replay(commits, baseBefore);
                if (!replay.isClean()) {
                    return new MergeResult(name, Outcome.CONFLICT, base, baseBefore, Optional.empty(), replay.conflicts(),
                            "replaying " + shortId(replay.conflictingCommit().orElse("?")) + " onto " + base + " conflicts in "
                                    + String.join(", ", replay.conflicts()) + "; nothing moved. Ask the agent to merge "
                                    + base + " into its branch and resolve them, then merge again");
                }
                merged = replay.tip().orElse(baseBefore);
            }
            default -> {
                MergePreview preview = git.mergeTree(baseBefore, head);
                if (preview.isAlreadyMerged()) {
                    return result(s, Outcome.ALREADY_MERGED, base, baseBefore, "the commits of '" + name + "' are already on " + base);
                }
                if (!preview.isClean()) {
                    return new MergeResult(name, Outcome.CONFLICT, base, baseBefore, Optional.empty(), preview.conflicts(),
                            "merging into " + base + " conflicts in " + String.join(", ", preview.conflicts())
                                    + "; nothing moved. Ask the agent to merge " + base + " into its branch and resolve them,"
                                    + " then merge again");
                }
                boolean squash = request.strategy() == dev.agentorchestrator.MergeStrategy.SQUASH;
                List<String> parents = squash ? List.of(baseBefore) : List.of(baseBefore, head);
                merged = git.commitTree(CommitRequest.of(preview.tree().orElseThrow(), parents,
                        request.message().orElseGet(() -> defaultMessage(s, base, squash))));
            }
        }
        if (testResult) {
            Optional<MergeResult> red = testMergeResult(s, base, baseBefore, merged);
            if (red.isPresent()) {
                return red.get();
            }
        }
        List<Path> checkedOut = git.worktreesWithBranch(base);
        for (Path wt : checkedOut) {
            List<String> inTheWay = git.uncommittedChangesInTheWay(wt, baseBefore, merged);
            if (!inTheWay.isEmpty()) {
                return result(s, Outcome.REFUSED_DIRTY_BASE, base, baseBefore, base + " is checked out in " + wt
                        + ", which has uncommitted changes in files the merge changes: " + String.join(", ", inTheWay)
                        + "; commit or stash them there, then merge again. Nothing moved.");
            }
        }
        try {
            git.updateBranch(base, merged, baseBefore);
        } catch (ConcurrentRefUpdateException e) {
            return result(s, Outcome.CONCURRENT_UPDATE, base, baseBefore, e.getMessage()
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
                        + ")" + followed);
    }

    /**
     * Removes the merge-test worktrees (with their branches) a killed host left behind; called at
     * start, under the engine lock, so none is in use. Found by the engine kill loop. A host killed
     * between removing such a worktree and deleting its branch still leaves the branch.
     */
    void removeLeftoverMergeTests() {
        for (dev.agentorchestrator.Worktree w : git.listWorktrees()) {
            if (w.main() || !w.path().getFileName().toString().startsWith(".merge-test-")) {
                continue;
            }
            try {
                git.removeWorktree(w.path(), true);
                Optional<String> branch = w.branch().filter(b -> b.startsWith("agent-orchestrator/merge-test-"));
                if (branch.isPresent() && git.branchExists(branch.get())) {
                    git.deleteBranch(branch.get(), true);
                }
                log.warn("removed the merge-test worktree {} a previous orchestrator left", w.path());
            } catch (GitException e) {
                log.warn("could not remove the merge-test worktree {} a previous orchestrator left", w.path(), e);
            }
        }
    }

    /** CI on the merged commit, in a temporary worktree of its own; the base moves only when it is green. */
    private Optional<MergeResult> testMergeResult(SessionRecord s, String base, String baseBefore, String merged) {
        Path folder = git.workTree().resolveSibling(git.workTree().getFileName() + ".worktrees")
                .resolve(".merge-test-" + Instant.now().toEpochMilli());
        String branch = "agent-orchestrator/merge-test-" + Instant.now().toEpochMilli();
        lifecycle.note(s.name(), "testing the merge result " + shortId(merged) + " in " + folder);
        CiResult result;
        try {
            Files.createDirectories(folder.getParent());
            git.createWorktree(WorktreeRequest.newBranch(folder, branch, merged));
            result = ci.run(new CiRequest(s.name(), folder, merged, ciTimeout,
                    line -> store.log(s.name()).append("merge ci: " + line)));
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
        events.publish(new OrchestratorEvent.CiFinished(Instant.now(), s.name(), result));
        if (result.status().isGreen()) {
            return Optional.empty();
        }
        reactor.followUp(s.name(), "merge-queue", "Your branch passes its tests alone, but merged into " + base
                + " the tests fail: " + result.summary() + ". Merge " + base + " into your branch, fix what breaks, and commit.",
                "the merge result's CI is red");
        return Optional.of(result(s, Outcome.REFUSED_MERGE_RESULT_CI, base, baseBefore, "merged into " + base
                + ", the tests fail (" + result.summary() + "); " + base + " did not move, and the agent was asked to fix it"));
    }

    private MergeResult finish(String name, MergeResult r, MergeRequest request, boolean started) {
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
        return r;
    }

    private void cleanUp(String name, MergeRequest request) {
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

    private static MergeResult result(SessionRecord s, Outcome outcome, String base, String baseBefore, String why) {
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

    private static String shortId(String commit) {
        return commit.substring(0, Math.min(7, commit.length()));
    }
}
