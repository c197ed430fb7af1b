package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.GitException;
import dev.agentorchestrator.RepositoryDrift;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.spi.GitRepository;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.spi.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The first two steps of a session's work: its worktree, then its setup. */
final class WorktreeSteps {

    private WorktreeSteps() {
    }

    /**
     * Makes the session's worktree when it has none (a new session), or makes it again when it is
     * gone (removed or pruned by hand, or never finished), on the session's own branch.
     */
    static final class Provision implements SessionRunner.Step {
        private final Lifecycle lifecycle;
        private final WorktreeProvisioner provisioner;
        private final DriftCheck drift;
        private final GitRepository git;
        private final java.util.function.Function<SessionRecord, java.util.Optional<String>> startPoint;

        /** {@code startPoint}: the commit a new branch starts at instead of the base (issue 17: a stacked feature's dependency). */
        Provision(Lifecycle lifecycle, WorktreeProvisioner provisioner, DriftCheck drift, GitRepository git,
                  java.util.function.Function<SessionRecord, java.util.Optional<String>> startPoint) {
            this.lifecycle = lifecycle;
            this.provisioner = provisioner;
            this.drift = drift;
            this.git = git;
            this.startPoint = startPoint;
        }

        @Override
        public String name() {
            return "provision";
        }

        @Override
        public void run(SessionRunner.Chain chain) {
            SessionRunner.Work work = chain.work();
            SessionRecord r = work.record();
            if (r.state() == SessionState.QUEUED) {
                Lifecycle.Applied applied = lifecycle.apply(r.name(), Transition.PROVISION, "making worktree "
                        + provisioner.pathFor(r.name()) + " on branch " + r.branch());
                if (applied.halted()) {
                    return;
                }
                r = applied.record();
            }
            // Issue 15: a branch renamed or deleted, or a worktree moved, by hand is never papered over
            // (a new branch from the base would silently drop the session's commits): the turn ends
            // with what differs and how to repair it.
            Optional<RepositoryDrift> differs = drift.notice(r.name()).filter(RepositoryDrift::blocksWork);
            if (differs.isPresent()) {
                work.fail(differs.get().description() + "; " + differs.get().fix());
                return;
            }
            if (!hasWorktree(r)) {
                boolean again = git.branchExists(r.branch());
                SessionRecord provisioned = r;
                java.util.Optional<String> start = again ? java.util.Optional.empty() : startPoint.apply(provisioned);
                Path made;
                try {
                    made = provisioner.makeFor(r, start);
                } catch (GitException e) {
                    work.fail("could not make the worktree: " + e.getMessage());
                    return;
                }
                if (again) {
                    lifecycle.note(r.name(), "the worktree was gone; made it again at " + made + " on branch " + r.branch()
                            + " at " + git.resolve(r.branch()).orElse("?"));
                }
                lifecycle.update(provisioned.name(), b -> start.isEmpty() ? b.worktree(made).setupDone(false)
                        : b.worktree(made).setupDone(false).stackedOn(start.get()));
                if (start.isPresent()) {
                    lifecycle.note(provisioned.name(), "stacked: the branch starts on " + start.get()
                            + ", the head of its dependency " + provisioned.dependsOn());
                }
                drift.notice(provisioned.name()); // clears the "worktree gone" the status showed
            }
            chain.proceed();
        }

        private boolean hasWorktree(SessionRecord r) {
            return r.worktree().filter(Files::isDirectory).flatMap(git::findWorktree).isPresent();
        }
    }

    /** Runs the session's setup (copy files, a command) once per worktree; a failed setup runs again on the next try. */
    static final class Setup implements SessionRunner.Step {
        private final Lifecycle lifecycle;
        private final WorktreeProvisioner provisioner;
        private final StateStore store;

        Setup(Lifecycle lifecycle, WorktreeProvisioner provisioner, StateStore store) {
            this.lifecycle = lifecycle;
            this.provisioner = provisioner;
            this.store = store;
        }

        @Override
        public String name() {
            return "setup";
        }

        @Override
        public void run(SessionRunner.Chain chain) {
            SessionRunner.Work work = chain.work();
            SessionRecord r = work.record();
            if (!r.setupDone()) {
                if (!r.setup().isEmpty()) {
                    Path worktree = r.worktree().orElseThrow();
                    String failure = work.interruptibly(() -> {
                        try {
                            provisioner.setup(worktree, r.setup(), store.log(r.name()));
                            return null;
                        } catch (WorktreeProvisioner.SetupFailed e) {
                            return e.getMessage();
                        }
                    });
                    if (failure != null) {
                        work.fail(failure);
                        return;
                    }
                }
                lifecycle.update(r.name(), b -> b.setupDone(true));
            }
            chain.proceed();
        }
    }

    /** A host's own step, placed by its phase. */
    static final class Host implements SessionRunner.Step {
        private final String name;
        private final dev.agentorchestrator.spi.SessionStep step;

        Host(String name, dev.agentorchestrator.spi.SessionStep step) {
            this.name = name;
            this.step = step;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void run(SessionRunner.Chain chain) {
            step.run(chain);
        }
    }
}
