package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.ChangedFile;
import dev.agentorchestrator.DependencyMode;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.spi.GitRepository;
import dev.agentorchestrator.spi.ReplayResult;
import dev.agentorchestrator.spi.SessionRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link DependencyMode#STACKED} sessions on top of their dependency (issue 17). A stacked
 * session's worktree is made on its dependency's newest commit ({@link #startPoint}); afterwards,
 * when the dependency has new commits, the dependent's own commits (those after
 * {@link SessionRecord#stackedOn()}) are replayed onto them, and once the dependency is MERGED,
 * onto the base branch, after which the session is an ordinary branch of the base.
 *
 * <p>The replay runs as the {@code restack} step of the session's own work, so it can never race
 * the session's agent: this class only watches the events (on its own thread) and queues work for
 * a session at rest (IDLE, READY_TO_MERGE, WAITING_FOR_INPUT, with no work) whose dependency
 * moved; a session that is busy is looked at again when its work ends. The step replays only onto
 * a clean worktree, moves the branch with a compare-and-swap and then the worktree, and moves the
 * branch back if the worktree cannot follow, so nothing is ever left half-rebased. A replay that
 * conflicts changes nothing and is sent to the agent as a follow-up naming the files (once per
 * commit of the dependency).
 */
final class Stacker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Stacker.class);
    private static final Set<SessionState> AT_REST = Set.of(SessionState.IDLE, SessionState.READY_TO_MERGE,
            SessionState.WAITING_FOR_INPUT);

    /** Where a stacked session should sit now: a commit, and whether that is the base (the dependency merged). */
    record Target(String commit, String description, boolean onBase, String dependency) {
    }

    private final GitRepository git;
    private final Lifecycle lifecycle;
    private final Scheduler scheduler;
    private final ExecutorService executor;
    /** Per session, the dependency commit whose conflict its agent was told about: told once, not at every check. */
    private final Map<String, String> told = new ConcurrentHashMap<>();
    /** Per session, the (target, head) for which a replay was put off because the worktree was dirty. */
    private final Map<String, String> putOff = new ConcurrentHashMap<>();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();

    Stacker(GitRepository git, Lifecycle lifecycle, EventHub events, Scheduler scheduler) {
        this.git = git;
        this.lifecycle = lifecycle;
        this.scheduler = scheduler;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "orchestrator-stacker");
            t.setDaemon(true);
            return t;
        });
        events.subscribe(this::onEvent);
    }

    /** The commit a new worktree of {@code r} starts at: its dependency's branch head for a stacked session. */
    Optional<String> startPoint(SessionRecord r) {
        return target(r).filter(t -> !t.onBase()).map(Target::commit);
    }

    /** The {@code restack} step: put before the agent's turn, so that a turn always starts on the newest dependency. */
    SessionRunner.Step step() {
        return new SessionRunner.Step() {
            @Override
            public String name() {
                return "restack";
            }

            @Override
            public void run(SessionRunner.Chain chain) {
                try {
                    restack(chain.work().record());
                } catch (GitException e) {
                    lifecycle.note(chain.work().name, "could not keep the branch on its dependency: " + e.getMessage());
                }
                chain.proceed();
            }
        };
    }

    /** Before a session's work ends: its stacked dependents at rest that must follow it are queued now. */
    void beforeWorkEnds(String name) {
        for (SessionRecord r : lifecycle.all()) {
            if (r.dependencyMode() == DependencyMode.STACKED && r.dependsOn().contains(name)) {
                queueIfBehind(r.name());
            }
        }
    }

    /** After a stacked session's work ended: a replay put off while it was busy is queued now. */
    void afterWorkEnded(String name) {
        lifecycle.find(name).filter(r -> r.dependencyMode() == DependencyMode.STACKED).ifPresent(r -> queueIfBehind(name));
    }

    private void onEvent(OrchestratorEvent e) {
        if (!(e instanceof OrchestratorEvent.StateChanged || e instanceof OrchestratorEvent.SessionUpdated)) {
            return;
        }
        String changed = e.session();
        for (SessionRecord r : lifecycle.all()) {
            if (r.dependencyMode() == DependencyMode.STACKED && (r.name().equals(changed) || r.dependsOn().contains(changed))) {
                checkSoon(r.name());
            }
        }
    }

    private void checkSoon(String name) {
        if (pending.add(name)) {
            try {
                executor.execute(() -> {
                    pending.remove(name);
                    try {
                        queueIfBehind(name);
                    } catch (RuntimeException ex) {
                        log.debug("checking whether {} must follow its dependency failed; the next change tries again", name, ex);
                    }
                });
            } catch (RejectedExecutionException closed) {
                pending.remove(name);
            }
        }
    }

    /** Queues work for a session at rest whose dependency moved; the restack step does the rest. */
    private void queueIfBehind(String name) {
        if (settleOnBaseWithoutReplay(name)) {
            return;
        }
        Optional<SessionRecord> found = lifecycle.find(name);
        if (found.isEmpty() || !AT_REST.contains(found.get().state()) || found.get().work() != Session.Work.NONE
                || !needsRestack(found.get())) {
            return;
        }
        SessionRecord after = lifecycle.change(name, "", r -> r.work() == Session.Work.NONE && AT_REST.contains(r.state())
                ? r.toBuilder().work(Session.Work.QUEUED) : r.toBuilder());
        if (after.work() == Session.Work.QUEUED) {
            scheduler.enqueue(name);
        }
    }

    /**
     * After the dependency merged with its commits (a merge commit or a fast-forward), the commit
     * the session sits on is in the base: its own commits already are on the base line, so only
     * the record changes; nothing moves and no work is queued (which would race a merge queue that
     * merges the session right after its dependency). A squashed or rebased dependency needs the replay.
     */
    private boolean settleOnBaseWithoutReplay(String name) {
        Optional<SessionRecord> r = lifecycle.find(name);
        if (r.isEmpty() || r.get().stackedOn().isEmpty()) {
            return false;
        }
        Optional<Target> t = target(r.get()).filter(Target::onBase);
        if (t.isEmpty() || !containsCommit(t.get().commit(), r.get().stackedOn().get())) {
            return false;
        }
        String sitsOn = r.get().stackedOn().get();
        SessionRecord after = lifecycle.change(name, "", c -> c.stackedOn().filter(sitsOn::equals).isPresent()
                ? c.toBuilder().stackedOn(null) : c.toBuilder());
        if (after.stackedOn().isEmpty()) {
            told.remove(name);
            lifecycle.note(name, t.get().description() + " with the commit this branch sits on, so its own commits are on"
                    + " the base line already: no longer stacked");
        }
        return true;
    }

    private boolean needsRestack(SessionRecord r) {
        Optional<Target> target = target(r);
        Optional<String> head = git.resolve(r.branch());
        if (target.isEmpty() || head.isEmpty() || r.worktree().isEmpty() || isCurrent(r, target.get())) {
            return false;
        }
        String t = target.get().commit();
        if (containsCommit(head.get(), t)) {
            return true; // the agent brought it in itself: only the record needs to follow
        }
        return !t.equals(told.get(r.name())) && !(t + "@" + head.get()).equals(putOff.get(r.name()));
    }

    private static boolean isCurrent(SessionRecord r, Target t) {
        return t.onBase() ? r.stackedOn().isEmpty() : r.stackedOn().filter(t.commit()::equals).isPresent();
    }

    /** Where {@code r} should sit: empty for a session that is not stacked, not started, or whose dependency is gone. */
    private Optional<Target> target(SessionRecord r) {
        if (r.dependencyMode() != DependencyMode.STACKED || r.dependsOn().size() != 1) {
            return Optional.empty();
        }
        String depName = r.dependsOn().get(0);
        Optional<SessionRecord> dep = lifecycle.find(depName);
        if (dep.isEmpty()) {
            return Optional.empty();
        }
        if (dep.get().state() == SessionState.MERGED) {
            return git.resolve(r.baseBranch()).map(c -> new Target(c, "'" + depName + "' was merged into " + r.baseBranch()
                    + ", now at " + shortId(c), true, depName));
        }
        return git.resolve(dep.get().branch()).map(c -> new Target(c, "'" + depName + "' (" + dep.get().branch() + ") is now at "
                + shortId(c), false, depName));
    }

    private void restack(SessionRecord r) {
        Optional<Target> found = target(r);
        Optional<Path> worktree = r.worktree().filter(Files::isDirectory);
        Optional<String> resolvedHead = git.resolve(r.branch());
        if (found.isEmpty() || worktree.isEmpty() || resolvedHead.isEmpty() || isCurrent(r, found.get())) {
            return;
        }
        Target target = found.get();
        String head = resolvedHead.get();
        String name = r.name();
        if (containsCommit(head, target.commit())) {
            lifecycle.update(name, b -> b.stackedOn(target.onBase() ? null : target.commit()));
            lifecycle.note(name, "the branch already holds " + shortId(target.commit()) + ": " + target.description());
            told.remove(name);
            return;
        }
        if (r.stackedOn().isEmpty() || settleOnBaseWithoutReplay(name)) {
            return; // on the base line already (the dependency merged with the commit it sits on): an ordinary branch now
        }
        List<ChangedFile> dirty = git.uncommittedChanges(worktree.get()).stream()
                .filter(f -> !r.setup().copyFiles().contains(f.path())).toList();
        if (!dirty.isEmpty()) {
            putOff.put(name, target.commit() + "@" + head);
            lifecycle.note(name, target.description() + "; the branch follows once the worktree is clean (uncommitted: "
                    + String.join(", ", dirty.stream().map(ChangedFile::path).limit(10).toList()) + ")");
            return;
        }
        String from = r.stackedOn().get();
        List<String> own = git.commitsBetween(from, head);
        ReplayResult replay;
        try {
            replay = git.replay(own, target.commit());
        } catch (GitException notAChain) {
            // A merge commit of the agent's own (it merged the dependency in): only the agent can carry that over.
            tell(r, target, from, List.of(), "its commits cannot be replayed (" + notAChain.getMessage() + ")");
            return;
        }
        if (!replay.isClean()) {
            tell(r, target, from, replay.conflicts(), "replaying commit " + shortId(replay.conflictingCommit().orElse("?"))
                    + " conflicts in " + String.join(", ", replay.conflicts()));
            return;
        }
        String tip = replay.tip().orElseThrow();
        git.updateBranch(r.branch(), tip, head);
        try {
            git.advanceWorktree(worktree.get(), head, tip);
        } catch (GitException e) {
            git.updateBranch(r.branch(), head, tip); // nothing half-rebased: the branch goes back where it was
            lifecycle.note(name, target.description() + "; the worktree could not follow the replayed branch (" + e.getMessage()
                    + "), so the branch was left at " + shortId(head));
            return;
        }
        told.remove(name);
        putOff.remove(name);
        boolean retest = r.state() == SessionState.IDLE || r.state() == SessionState.READY_TO_MERGE;
        lifecycle.update(name, b -> b.stackedOn(target.onBase() ? null : target.commit()).ciRequested(retest || r.ciRequested()));
        lifecycle.note(name, target.description() + ": replayed " + own.size() + " commit(s) of this session onto it ("
                + shortId(head) + " -> " + shortId(tip) + ")" + (retest ? "; CI runs on the new head" : ""));
    }

    /** Sends the agent what it must do itself; nothing was changed. */
    private void tell(SessionRecord r, Target target, String from, List<String> files, String why) {
        String name = r.name();
        if (target.commit().equals(told.get(name))) {
            lifecycle.note(name, target.description() + "; " + why + "; the agent was already asked to bring its work onto it");
            return;
        }
        told.put(name, target.commit());
        String prompt = "Your branch " + r.branch() + " is stacked on '" + target.dependency() + "', and " + target.description()
                + ". The orchestrator could not move your work onto it: " + why + ". Nothing was changed. Bring your"
                + " commits on top of it yourself: commit what you have, run `git rebase --onto " + target.commit() + " "
                + from + "` in your worktree" + (files.isEmpty() ? "" : ", resolve the conflicts in " + String.join(", ", files))
                + ", and finish the rebase, keeping both your change and theirs.";
        lifecycle.change(name, "", current -> {
            List<String> prompts = new ArrayList<>(current.pendingPrompts());
            prompts.add(prompt);
            return current.toBuilder().pendingPrompts(prompts);
        });
        lifecycle.note(name, target.description() + "; " + why + "; nothing changed, the agent is asked to rebase");
    }

    /** True when {@code commit} is {@code head} or one of its ancestors. */
    private boolean containsCommit(String head, String commit) {
        return head.equals(commit) || git.commitsBetween(head, commit).isEmpty();
    }

    private static String shortId(String id) {
        return id.substring(0, Math.min(7, id.length()));
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
