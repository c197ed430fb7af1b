package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.ChangedFile;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.UncommittedWork;
import dev.agentorchestrator.internal.store.StoreFileNames;
import dev.agentorchestrator.spi.CiRequest;
import dev.agentorchestrator.spi.CiRunner;
import dev.agentorchestrator.spi.GitRepository;
import dev.agentorchestrator.spi.Reaction;
import dev.agentorchestrator.spi.SessionLog;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.spi.StateStore;
import io.github.resilience4j.bulkhead.Bulkhead;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The steps after a successful turn: deal with uncommitted work and look for new commits, test the
 * branch head within the global bound on CI runs, and react to red CI.
 */
final class CiSteps {

    private CiSteps() {
    }

    /** Green CI answers what reactions asked a person for, but not a hold of the HOLD overlap policy (issue 17). */
    static String keptAttention(SessionRecord stored) {
        return stored.view().isHeld() ? stored.attention() : "";
    }

    /**
     * Applies the uncommitted-work policy (CI never tests a tree that differs from its commit), then
     * ends the work (the session stays IDLE, with a message) when the branch has no new commit, unless
     * CI was asked for.
     */
    static final class CommitCheck implements SessionRunner.Step {
        private final Lifecycle lifecycle;
        private final GitRepository git;
        private final UncommittedWork policy;
        private final Reactor reactor;

        CommitCheck(Lifecycle lifecycle, GitRepository git, UncommittedWork policy, Reactor reactor) {
            this.lifecycle = lifecycle;
            this.git = git;
            this.policy = policy;
            this.reactor = reactor;
        }

        @Override
        public String name() {
            return "commit-check";
        }

        @Override
        public void run(SessionRunner.Chain chain) {
            SessionRecord s = chain.work().record();
            Path worktree = s.worktree().orElseThrow();
            // Files the setup copied in (an .env, local settings) are the worktree's own, never the agent's work to commit.
            List<ChangedFile> dirty = git.uncommittedChanges(worktree).stream()
                    .filter(f -> !s.setup().copyFiles().contains(f.path())).toList();
            if (!dirty.isEmpty()) {
                String files = dirty.size() + " file(s): " + String.join(", ", dirty.stream().limit(10)
                        .map(ChangedFile::path).toList()) + (dirty.size() > 10 ? ", ..." : "");
                switch (policy) {
                    case ASK_AGENT -> {
                        lifecycle.update(s.name(), b -> b.message("the agent left uncommitted changes in " + files));
                        reactor.followUp(s.name(), "uncommitted-work", "You left uncommitted changes in " + files
                                + ". Commit them (or remove what should not be kept), so that the tests run on a commit.",
                                "the agent left uncommitted changes in " + files);
                        return;
                    }
                    case FLAG -> {
                        lifecycle.update(s.name(), b -> b.message("the agent left uncommitted changes in " + files));
                        reactor.needsAttention(s.name(), "uncommitted-work", "the agent left uncommitted changes in " + files
                                + "; commit or discard them, then prompt the session or run its CI");
                        return;
                    }
                    case COMMIT -> {
                        try {
                            String commit = git.commitAll(worktree, "agent-orchestrator: the uncommitted work of feature '"
                                    + s.name() + "'");
                            lifecycle.note(s.name(), "committed the agent's uncommitted changes (" + files + ") as " + commit);
                        } catch (GitException e) {
                            reactor.needsAttention(s.name(), "uncommitted-work", "the uncommitted changes in " + files
                                    + " could not be committed: " + e.getMessage());
                            return;
                        }
                    }
                    default -> throw new IllegalStateException(policy.toString());
                }
            }
            if (git.divergence(s.branch(), s.baseBranch()).ahead() == 0 && !s.ciRequested()) {
                lifecycle.update(s.name(), b -> b.message("the agent finished without committing"));
                return;
            }
            chain.work().commit = git.resolve(s.branch()).orElseThrow();
            chain.proceed();
        }
    }

    /**
     * Runs CI on the branch head (once per commit, unless asked again) within the global bound on CI
     * runs, and makes the session READY_TO_MERGE when green. While it waits for a CI slot the session
     * is TESTING with a message that says so; when the slot comes, the newest branch head is tested
     * (a newer commit supersedes the one the run was queued for).
     */
    static final class Ci implements SessionRunner.Step {
        private final Lifecycle lifecycle;
        private final CiRunner ci;
        private final StateStore store;
        private final EventHub events;
        private final GitRepository git;
        private final Bulkhead slots;
        private final Duration timeout;
        private final Path logs;

        /** {@code logs}: the folder under which each session's CI runs keep their whole output, one file a run. */
        Ci(Lifecycle lifecycle, CiRunner ci, StateStore store, EventHub events, GitRepository git, Bulkhead slots,
           Duration timeout, Path logs) {
            this.lifecycle = lifecycle;
            this.ci = ci;
            this.store = store;
            this.events = events;
            this.git = git;
            this.slots = slots;
            this.timeout = timeout;
            this.logs = logs;
        }

        @Override
        public String name() {
            return "ci";
        }

        @Override
        public void run(SessionRunner.Chain chain) {
            SessionRunner.Work work = chain.work();
            SessionRecord s = work.record();
            String queued = work.commit;
            if (!s.ciRequested() && s.lastCi().filter(r -> r.commit().equals(queued)).isPresent()) {
                // A turn that added no commit (a question answered, a review) is not tested again.
                CiResult same = s.lastCi().get();
                String note = "CI " + lower(same.status()) + " on " + shortId(queued) + " (already tested)";
                if (same.status().isGreen()) {
                    if (lifecycle.applyFrom(s.name(), Transition.CI_GREEN, note, (stored, b) -> b.reactionAttempts(0)
                            .attention(keptAttention(stored))).halted()) {
                        return;
                    }
                } else {
                    lifecycle.update(s.name(), b -> b.message(note));
                }
                chain.proceed();
                return;
            }
            int running = slots.getBulkheadConfig().getMaxConcurrentCalls() - slots.getMetrics().getAvailableConcurrentCalls();
            String waiting = running >= slots.getBulkheadConfig().getMaxConcurrentCalls()
                    ? "waiting for a CI slot (" + running + " CI run(s) going, at most " + slots.getBulkheadConfig().getMaxConcurrentCalls() + ")"
                    : "running CI (" + ci.name() + ") on " + shortId(queued);
            if (lifecycle.apply(s.name(), Transition.TEST, waiting, b -> b.ciRequested(false)).halted()) {
                return;
            }
            boolean slot = work.interruptibly(() -> {
                try {
                    slots.acquirePermission();
                    return true;
                } catch (RuntimeException stoppedWhileWaiting) {
                    return false;
                }
            });
            if (!slot) {
                CiResult none = CiResult.builder(CiResult.Status.ERROR, queued).finishedAt(Instant.now())
                        .summary("CI did not run: stopped while waiting for a CI slot").build();
                lifecycle.apply(s.name(), Transition.CI_RED, none.summary(), b -> b.lastCi(none));
                return;
            }
            CiResult result;
            try {
                String commit = git.resolve(s.branch()).orElse(queued);
                if (!commit.equals(queued)) {
                    lifecycle.note(s.name(), "CI tests " + shortId(commit) + ", the newest commit, instead of " + shortId(queued));
                    work.commit = commit;
                }
                if (waiting.startsWith("waiting")) {
                    lifecycle.update(s.name(), b -> b.message("running CI (" + ci.name() + ") on " + shortId(commit)));
                }
                result = runCi(s, commit, work);
            } finally {
                slots.onComplete();
            }
            events.publish(new OrchestratorEvent.CiFinished(Instant.now(), s.name(), result));
            String text = "CI " + lower(result.status()) + " on " + shortId(result.commit()) + ": " + result.summary();
            Lifecycle.Applied applied = result.status().isGreen()
                    ? lifecycle.applyFrom(s.name(), Transition.CI_GREEN, text, (stored, b) -> b.lastCi(result).reactionAttempts(0)
                            .attention(keptAttention(stored)))
                    : lifecycle.apply(s.name(), Transition.CI_RED, text, b -> b.lastCi(result));
            if (applied.halted()) {
                return;
            }
            chain.proceed();
        }

        private CiResult runCi(SessionRecord s, String commit, SessionRunner.Work work) {
            SessionLog sessionLog = store.log(s.name());
            Path worktree = s.worktree().orElseThrow();
            Path logFile = logs.resolve(StoreFileNames.encode(s.name()))
                    .resolve(shortId(commit) + "-" + Instant.now().toEpochMilli() + ".log");
            return work.interruptibly(() -> {
                try {
                    return ci.run(new CiRequest(s.name(), worktree, commit, timeout, line -> sessionLog.append("ci: " + line))
                            .withLogFile(logFile));
                } catch (RuntimeException e) {
                    return CiResult.builder(CiResult.Status.ERROR, commit).finishedAt(Instant.now())
                            .summary("CI runner " + ci.name() + " failed: " + e.getMessage()).build();
                }
            });
        }

        private static String shortId(String commit) {
            return commit.substring(0, Math.min(7, commit.length()));
        }

        private static String lower(CiResult.Status status) {
            return status.name().toLowerCase(Locale.ROOT);
        }
    }

    /** After CI: red CI goes to the reactions (a follow-up to the agent, or "needs attention"). */
    static final class React implements SessionRunner.Step {
        private final Reactor reactor;

        React(Reactor reactor) {
            this.reactor = reactor;
        }

        @Override
        public String name() {
            return "reactions";
        }

        @Override
        public void run(SessionRunner.Chain chain) {
            SessionRecord s = chain.work().record();
            Optional<CiResult> ci = s.lastCi();
            if (ci.isPresent() && !ci.get().status().isGreen() && ci.get().commit().equals(chain.work().commit)) {
                reactor.react(s.name(), Reaction.Kind.CI_RED, ci, ci.get().summary());
            }
            chain.proceed();
        }
    }
}
