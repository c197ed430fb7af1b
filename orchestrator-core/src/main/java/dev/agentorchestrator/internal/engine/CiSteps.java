package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.Divergence;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.internal.store.StoreFileNames;
import dev.agentorchestrator.spi.CiRequest;
import dev.agentorchestrator.spi.CiRunner;
import dev.agentorchestrator.spi.GitRepository;
import dev.agentorchestrator.spi.SessionLog;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.spi.StateStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** The steps after a successful turn: look for new commits, then test the branch head. */
final class CiSteps {

    private CiSteps() {
    }

    /** Ends the work (the session stays IDLE, with a message) when the turn left no commit on the branch. */
    static final class CommitCheck implements SessionRunner.Step {
        private final Lifecycle lifecycle;
        private final GitRepository git;

        CommitCheck(Lifecycle lifecycle, GitRepository git) {
            this.lifecycle = lifecycle;
            this.git = git;
        }

        @Override
        public String name() {
            return "commit-check";
        }

        @Override
        public void run(SessionRunner.Chain chain) {
            SessionRecord s = chain.work().record();
            Path worktree = s.worktree().orElseThrow();
            Divergence divergence = git.divergence(s.branch(), s.baseBranch());
            if (divergence.ahead() == 0) {
                int uncommitted = git.uncommittedChanges(worktree).size();
                lifecycle.update(s.name(), b -> b.message("the agent finished without committing"
                        + (uncommitted > 0 ? "; " + uncommitted + " uncommitted change(s) are in " + worktree : "")));
                return;
            }
            chain.work().commit = git.resolve(s.branch()).orElseThrow();
            chain.proceed();
        }
    }

    /** Runs CI on the branch head (once per commit) and makes the session READY_TO_MERGE when green. */
    static final class Ci implements SessionRunner.Step {
        private final Lifecycle lifecycle;
        private final CiRunner ci;
        private final StateStore store;
        private final EventHub events;
        private final Duration timeout;
        private final Path logs;

        /** {@code logs}: the folder under which each session's CI runs keep their whole output, one file a run. */
        Ci(Lifecycle lifecycle, CiRunner ci, StateStore store, EventHub events, Duration timeout, Path logs) {
            this.lifecycle = lifecycle;
            this.ci = ci;
            this.store = store;
            this.events = events;
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
            String commit = work.commit;
            String shortId = commit.substring(0, Math.min(7, commit.length()));
            if (s.lastCi().filter(r -> r.commit().equals(commit)).isPresent()) {
                // A turn that added no commit (a question answered, a review) is not tested again.
                CiResult same = s.lastCi().get();
                String note = "CI " + lower(same.status()) + " on " + shortId + " (already tested)";
                if (same.status().isGreen()) {
                    if (lifecycle.apply(s.name(), Transition.CI_GREEN, note).halted()) {
                        return;
                    }
                } else {
                    lifecycle.update(s.name(), b -> b.message(note));
                }
                chain.proceed();
                return;
            }
            if (lifecycle.apply(s.name(), Transition.TEST, "running CI (" + ci.name() + ") on " + shortId).halted()) {
                return;
            }
            SessionLog sessionLog = store.log(s.name());
            Path worktree = s.worktree().orElseThrow();
            Path logFile = logs.resolve(StoreFileNames.encode(s.name()))
                    .resolve(shortId + "-" + Instant.now().toEpochMilli() + ".log");
            CiResult result = work.interruptibly(() -> {
                try {
                    return ci.run(new CiRequest(s.name(), worktree, commit, timeout, line -> sessionLog.append("ci: " + line))
                            .withLogFile(logFile));
                } catch (RuntimeException e) {
                    return CiResult.builder(CiResult.Status.ERROR, commit).finishedAt(Instant.now())
                            .summary("CI runner " + ci.name() + " failed: " + e.getMessage()).build();
                }
            });
            events.publish(new OrchestratorEvent.CiFinished(Instant.now(), s.name(), result));
            String text = "CI " + lower(result.status()) + " on " + shortId + ": " + result.summary();
            Transition t = result.status().isGreen() ? Transition.CI_GREEN : Transition.CI_RED;
            if (lifecycle.apply(s.name(), t, text, b -> b.lastCi(result)).halted()) {
                return;
            }
            chain.proceed();
        }

        private static String lower(CiResult.Status status) {
            return status.name().toLowerCase(Locale.ROOT);
        }

    }
}
