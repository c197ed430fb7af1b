package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.AwaitTimeoutException;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.Events;
import dev.agentorchestrator.Feature;
import dev.agentorchestrator.ForecastMatrix;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.IllegalStateTransitionException;
import dev.agentorchestrator.InvalidFeatureNameException;
import dev.agentorchestrator.MergeRequest;
import dev.agentorchestrator.MergeResult;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorClosedException;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.OrchestratorException;
import dev.agentorchestrator.Overlap;
import dev.agentorchestrator.RemoveRequest;
import dev.agentorchestrator.RepositoryDrift;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.StatusSnapshot;
import dev.agentorchestrator.WorktreeSetup;
import dev.agentorchestrator.internal.notify.NotificationBridge;
import dev.agentorchestrator.spi.AgentLauncher;
import dev.agentorchestrator.spi.CiRunner;
import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.GitRepository;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.spi.SessionRecord.Halt;
import dev.agentorchestrator.spi.StateStore;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running {@link Orchestrator}: the API facade over the parts it owns (repository, store,
 * lifecycle, scheduler, runner, event hub, Resilience4j registries). Nothing static, so several
 * engines on different repositories can live in one JVM. Decisions about a session are made by
 * {@link Lifecycle} (what may happen) and the {@link Pipeline}'s steps (what to do next).
 */
public final class Engine implements Orchestrator {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);

    private final EngineConfig config;
    private final GitRepository git;
    private final String gitDescription;
    private final StateStore store;
    private final EngineLock lock;
    private final EventHub events;
    private final Lifecycle lifecycle;
    private final Scheduler scheduler;
    private final SessionRunner runner;
    private final WorktreeProvisioner provisioner;
    private final AgentResolver agents;
    private final String agentDescription;
    private final CiRunner ci;
    private final String defaultBase;
    private final ExecutorService workers;
    private final ExecutorService ownedListenerExecutor;
    private final Coordinator coordinator;
    private final Stacker stacker;
    private final Merger merger;
    private final DriftCheck drift;
    private final MergeQueue mergeQueue;
    private final java.util.concurrent.ScheduledExecutorService watch;
    private final AutoCloseable notifications;
    private final Thread shutdownHook;
    private final Object addLock = new Object();
    private volatile boolean closed;

    private Engine(EngineConfig config, GitRepository git, String gitDescription, StateStore store, EngineLock lock) {
        this.config = config;
        this.git = git;
        this.gitDescription = gitDescription;
        this.store = store;
        this.lock = lock;
        this.ownedListenerExecutor = config.listenerExecutor().isPresent() ? null
                : Executors.newCachedThreadPool(daemon("orchestrator-listener"));
        this.events = new EventHub(config.listenerExecutor().orElse(ownedListenerExecutor));
        config.listeners().forEach(events::subscribe);
        this.lifecycle = new Lifecycle(store, events, Clock.systemUTC());
        BulkheadRegistry bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(config.maxParallelSessions()).maxWaitDuration(Duration.ZERO).build());
        this.scheduler = new Scheduler(bulkheads.bulkhead("agent-sessions"), lifecycle, events);
        Path worktrees = config.worktreesDirectory().orElseGet(() ->
                git.workTree().resolveSibling(git.workTree().getFileName() + ".worktrees"));
        this.provisioner = new WorktreeProvisioner(git, worktrees, config.branchPrefix());
        this.drift = new DriftCheck(lifecycle, git, provisioner);
        if (config.agent().isPresent()) {
            this.agents = new AgentResolver(config.agent().get());
            this.agentDescription = config.agent().get().name() + " (given)";
        } else {
            Providers.Choice<AgentLauncher> choice = Providers.best(AgentLauncher.class, AgentLauncher::priority,
                    AgentLauncher::name, AgentLauncher::availability, "agent",
                    "add a launcher to the classpath (orchestrator-core registers Claude Code) or install its CLI");
            this.agents = new AgentResolver(choice.chosen());
            this.agentDescription = choice.chosen().name() + " (found: " + choice.chosenDetail() + ")";
        }
        this.ci = config.ci().orElseGet(() -> Providers.best(CiRunner.class, CiRunner::priority, CiRunner::name,
                r -> dev.agentorchestrator.spi.Availability.usable(r.name()), "ci", "use Ci.command(...) or Ci.none()").chosen());
        this.defaultBase = config.baseBranch().or(git::currentBranch).orElseThrow(() -> new ConfigurationException(
                "baseBranch is not set and the main worktree " + git.workTree() + " is on a detached HEAD;"
                        + " set Orchestrator.builder().baseBranch(\"main\") or check out a branch"));
        this.workers = Executors.newCachedThreadPool(daemon("orchestrator-session"));
        RetryRegistry retries = RetryRegistry.of(config.launchRetry());
        retries.getEventPublisher().onEntryAdded(added -> added.getAddedEntry().getEventPublisher().onRetry(e -> {
            String session = e.getName().substring("launch-".length());
            String reason = String.valueOf(e.getLastThrowable() == null ? "" : e.getLastThrowable().getMessage());
            lifecycle.note(session, "agent launch failed, try " + e.getNumberOfRetryAttempts() + " of "
                    + config.launchRetry().getMaxAttempts() + ": " + reason);
            events.publish(new OrchestratorEvent.LaunchRetried(lifecycle.now(), session, e.getNumberOfRetryAttempts(),
                    config.launchRetry().getMaxAttempts(), e.getWaitInterval(), reason));
        }));
        TimeLimiterRegistry limiters = TimeLimiterRegistry.of(TimeLimiterConfig.custom()
                .timeoutDuration(config.sessionTimeout()).cancelRunningFuture(false).build());
        this.runner = new SessionRunner(lifecycle, scheduler, workers, config.stopGrace());
        // CI runs wait for a slot in arrival order (a fair semaphore), as long as a run may take.
        Bulkhead ciSlots = bulkheads.bulkhead("ci-runs", BulkheadConfig.custom().maxConcurrentCalls(config.maxParallelCi())
                .maxWaitDuration(config.ciTimeout().multipliedBy(10)).fairCallHandlingStrategyEnabled(true).build());
        Reactor reactor = new Reactor(config.reactions(), config.maxReactionAttempts(), lifecycle, events);
        this.merger = new Merger(lifecycle, git, events, ci, config.ciTimeout(), store, reactor, config.testMergeResults(),
                this::queueWorkIfPrompted);
        this.mergeQueue = new MergeQueue(merger, store, events, config.mergeBatchSize());
        this.stacker = new Stacker(git, lifecycle, events, scheduler);
        runner.onWorkEnd(stacker::beforeWorkEnds, stacker::afterWorkEnded);
        runner.pipeline(Pipeline.assemble(config, lifecycle, provisioner, drift, git, store, agents, events, retries,
                limiters.timeLimiter("agent-turn"), ci, ciSlots, reactor, stacker));
        scheduler.dispatchTo(runner::start);
        this.coordinator = new Coordinator(git, lifecycle, events, config.overlapPolicy(), this::prompt);
        this.notifications = NotificationBridge.start(events, this::status, config.notifiers());
        this.watch = Executors.newSingleThreadScheduledExecutor(daemon("orchestrator-watch"));
        long period = Math.max(100, Math.min(30_000, config.stallTimeout().toMillis() / 4));
        watch.scheduleWithFixedDelay(this::watchForStalls, period, period, TimeUnit.MILLISECONDS);
        // Issue 15: a work whose last write the store refused is ended once the store takes writes again.
        watch.scheduleWithFixedDelay(runner::recordUnfinished, 1, 1, TimeUnit.SECONDS);
        this.shutdownHook = new Thread(this::closeQuietly, "orchestrator-shutdown");
    }

    /** Resolves the defaults, recovers what a previous engine left, adds the configured features. */
    public static Orchestrator start(EngineConfig config) {
        GitBackend backend;
        String gitDescription;
        if (config.git().isPresent()) {
            backend = config.git().get();
            gitDescription = backend.name() + " (given)";
        } else {
            Providers.Choice<GitBackend> choice = Providers.best(GitBackend.class, GitBackend::priority, GitBackend::name,
                    GitBackend::availability, "git", "add orchestrator-jgit to the classpath, or install git");
            backend = choice.chosen();
            gitDescription = backend.name() + " (found: " + choice.chosenDetail() + ")";
        }
        GitRepository git = backend.open(config.repo());
        EngineLock lock = null;
        StateStore store = null;
        // Issue 15 (bad input): what this start made in the git dir, removed again if the start fails.
        StateFolder stateFolder = null;
        try {
            checkBaseBranch(config, git);
            stateFolder = StateFolder.before(git.commonDir());
            lock = EngineLock.acquire(git.commonDir());
            Path commonDir = git.commonDir();
            // A create that a killed host left half done is rolled back before any session is looked at.
            List<Path> rolledBack = git.recoverIncompleteWorktrees();
            if (!rolledBack.isEmpty()) {
                log.warn("rolled back worktrees a previous orchestrator left half made: {}", rolledBack);
            }
            store = config.stateStore().orElseGet(() -> Providers.best(StateStore.Provider.class,
                    StateStore.Provider::priority, StateStore.Provider::name,
                    p -> dev.agentorchestrator.spi.Availability.usable(p.name()), "stateStore",
                    "add a StateStore.Provider").chosen().open(commonDir));
            Engine engine = new Engine(config, git, gitDescription, store, lock);
            log.info("{}", engine.describe());
            engine.recover();
            engine.drift.noticeAll(); // a worktree or branch changed by hand while no engine ran is shown at once
            new FeatureReconciler(engine.lifecycle, engine.agents, config.setup()).reconcile(config.features(),
                    engine::addFeature);
            Runtime.getRuntime().addShutdownHook(engine.shutdownHook);
            engine.scheduler.pump();
            engine.coordinator.refreshSoon();
            return engine;
        } catch (RuntimeException e) {
            if (store != null && config.stateStore().isEmpty()) {
                store.close();
            }
            if (lock != null) {
                lock.close();
            }
            if (stateFolder != null && lock != null) { // without the lock, the folder may be another engine's
                stateFolder.removeIfCreated(e);
            }
            git.close();
            throw e;
        }
    }

    /** Issue 15 (bad input): a base branch given on the builder must resolve before anything is written. */
    private static void checkBaseBranch(EngineConfig config, GitRepository git) {
        Optional<String> base = config.baseBranch();
        // A repository without commits may start: addFeature then says to make a first commit.
        if (base.isEmpty() || git.resolve(base.get()).isPresent() || git.resolve("HEAD").isEmpty()) {
            return;
        }
        java.util.Set<String> known = new java.util.TreeSet<>();
        git.currentBranch().ifPresent(known::add);
        git.listWorktrees().forEach(w -> w.branch().ifPresent(known::add));
        throw new ConfigurationException("baseBranch '" + base.get() + "' is not a branch or commit of " + git.workTree()
                + "; branches checked out there: " + String.join(", ", known)
                + ". Set Orchestrator.builder().baseBranch(...) to one of them (or another existing branch),"
                + " or leave it unset to use the branch the main worktree has checked out.");
    }

    /**
     * Takes over what a previous engine left: an agent still running is ended through its
     * launcher; work that was in progress is marked (INTERRUPTED, or STOPPED when a stop was
     * asked); work that was queued, and accepted follow-up prompts, are queued again.
     */
    private void recover() {
        merger.removeLeftoverMergeTests();
        for (SessionRecord s : lifecycle.loadAll()) {
            boolean crashed = s.work() == Session.Work.RUNNING || s.state().isActive() || s.agentHandle().isPresent();
            SessionRecord now = s;
            if (s.worktree().isEmpty() && s.state() != SessionState.MERGED) {
                // A host killed between making the worktree and storing it: the record takes the worktree back.
                Optional<Path> own = provisioner.ownWorktree(s);
                if (own.isPresent()) {
                    now = lifecycle.update(s.name(), b -> b.worktree(own.get()).setupDone(false));
                }
            }
            if (crashed) {
                String ended = s.agentHandle().map(h -> endOrphan(s, h)).orElse("");
                now = lifecycle.change(s.name(), "", r -> afterCrash(r, ended));
            }
            if (now.state() == SessionState.MERGING) {
                now = mergeLeftByACrash(now);
            }
            if (now.work() == Session.Work.QUEUED) {
                scheduler.enqueue(now.name());
            }
        }
    }

    /**
     * A merge the previous host was killed in (found by the engine kill loop,
     * -Dreliability.seed=12210801325488: the session stayed MERGING and never settled). The base either
     * moved, holding the branch's commits, or did not move (it moves in one compare-and-swap): the
     * session is MERGED (its worktree and branch kept) or READY_TO_MERGE again, saying which. A
     * squash or rebase merge leaves the base without the branch's commits by ancestry, so the base
     * also counts as holding the branch when merging the branch into it would change nothing.
     */
    private SessionRecord mergeLeftByACrash(SessionRecord r) {
        boolean onBase = !git.branchExists(r.branch()) || git.divergence(r.branch(), r.baseBranch()).ahead() == 0;
        boolean changesOnBase = !onBase && holdsTheChangesOf(r.baseBranch(), r.branch());
        String message = onBase
                ? "the orchestrator ended during the merge, after " + r.baseBranch() + " took the branch's commits: merged;"
                        + " the worktree and branch are kept (remove them with remove(...))"
                : changesOnBase
                ? "the orchestrator ended during the merge, after " + r.baseBranch() + " took the branch's changes (squashed or"
                        + " rebased): merged; the worktree and branch are kept (remove them with remove(...))"
                : "the orchestrator ended during the merge, before " + r.baseBranch() + " moved; merge again";
        return lifecycle.apply(r.name(), onBase || changesOnBase ? Transition.MERGE_DONE : Transition.MERGE_REFUSED, message,
                b -> b.work(Session.Work.NONE)).record();
    }

    /**
     * True when merging {@code branch} into {@code base} would leave the base's tree as it is. The
     * base's own tree is what merging it with itself gives, so both sides come from the same call.
     */
    private boolean holdsTheChangesOf(String base, String branch) {
        try {
            Optional<String> merged = git.mergeTree(base, branch).tree();
            return merged.isPresent() && merged.equals(git.mergeTree(base, base).tree());
        } catch (GitException cannotTell) {
            log.warn("could not tell whether {} holds the changes of {}: {}", base, branch, cannotTell.getMessage());
            return false;
        }
    }

    private String endOrphan(SessionRecord s, String handle) {
        Optional<AgentLauncher> launcher = agents.byName(s);
        if (launcher.isEmpty()) {
            return "; its agent (" + handle + ") could not be checked: no launcher named '" + s.agent() + "' is known";
        }
        return launcher.get().end(handle, config.stopGrace())
                ? "; its agent (" + handle + ") was still running and has been ended" : "";
    }

    private static SessionRecord.Builder afterCrash(SessionRecord r, String ended) {
        SessionRecord.Builder b = r.toBuilder().agentHandle(null).halt(Halt.NONE);
        if (r.halt() == Halt.STOP) {
            b.work(Session.Work.NONE).pendingPrompts(List.of());
            return r.state() != SessionState.STOPPED && r.state().canMoveTo(SessionState.STOPPED)
                    ? b.state(SessionState.STOPPED).message("stopped on request" + ended) : b;
        }
        boolean more = r.state() == SessionState.QUEUED || !r.pendingPrompts().isEmpty();
        b.work(more ? Session.Work.QUEUED : Session.Work.NONE);
        if (Transition.INTERRUPT.allowedFrom(r.state())) {
            b.state(SessionState.INTERRUPTED).message("the orchestrator that ran this session ended while it was "
                    + r.state() + ended + "; prompt it to resume");
        } else if (r.work() == Session.Work.RUNNING && r.state() == SessionState.IDLE && !more) {
            b.message("the orchestrator ended before this turn's commits were tested" + ended
                    + "; prompt the session to go on");
        }
        return b;
    }

    @Override
    public Path repository() {
        return git.workTree();
    }

    @Override
    public Session addFeature(Feature feature) {
        ensureOpen();
        synchronized (addLock) {
            String name = feature.name();
            Optional<SessionRecord> existing = lifecycle.find(name);
            if (existing.isPresent()) {
                throw new InvalidFeatureNameException(name, "session-free", "Invalid feature name '" + name
                        + "': a session of that name already exists (state " + existing.get().state()
                        + ") (rule session-free). Pick another name, or remove the session first.");
            }
            for (String dep : feature.dependsOn()) {
                if (lifecycle.find(dep).isEmpty()) {
                    throw new ConfigurationException("Feature '" + name + "' depends on '" + dep
                            + "', which is not a session of this repository. Add '" + dep + "' first.");
                }
            }
            // Issue 17: a stored session may still name a removed feature; adding it back must not close a cycle.
            DependencyGraph graph = new DependencyGraph();
            lifecycle.all().forEach(r -> graph.add(r.name(), r.dependsOn().stream().filter(d -> lifecycle.find(d).isPresent()
                    || d.equals(name)).toList()));
            graph.add(name, feature.dependsOn()).check();
            provisioner.checkAvailable(name);
            String base = feature.baseBranch().orElse(defaultBase);
            if (git.resolve(base).isEmpty()) {
                throw new GitException("Feature '" + name + "': base branch '" + base + "' does not resolve to a commit in "
                        + git.workTree() + (git.resolve("HEAD").isEmpty() ? " (the repository has no commits yet; make a first commit)"
                        : "; name an existing branch with Feature.builder(...).baseBranch(...)"));
            }
            // Issue 15 (bad input): a prompt the launcher could never deliver is refused before anything is stored.
            feature.agent().orElse(agents.defaultAgent()).checkPrompt(feature.prompt()).ifPresent(reason -> {
                throw new ConfigurationException("Feature '" + name + "': " + reason);
            });
            AgentLauncher agent = agents.forNewFeature(name, feature.agent());
            WorktreeSetup setup = feature.setup().orElse(config.setup());
            SessionRecord created = lifecycle.create(SessionRecord.queued(name, feature.prompt(), base,
                    provisioner.branchFor(name), feature.dependsOn(), feature.dependencyMode(), agent.name(), agent.settings(), setup,
                    lifecycle.now()));
            scheduler.enqueue(name);
            return created.view();
        }
    }

    @Override
    public List<Session> sessions() {
        return lifecycle.snapshot().sessions();
    }

    @Override
    public Session session(String name) {
        return lifecycle.get(name).view();
    }

    @Override
    public Optional<Session> findSession(String name) {
        Objects.requireNonNull(name, "name");
        return lifecycle.find(name).map(SessionRecord::view);
    }

    @Override
    public Session prompt(String name, String prompt) {
        ensureOpen();
        if (prompt == null || prompt.isBlank()) {
            throw new ConfigurationException("The prompt for session '" + name + "' is " + (prompt == null ? "null" : "blank")
                    + "; say what the agent should do next.");
        }
        SessionRecord s = lifecycle.get(name);
        if (s.state() == SessionState.MERGED || s.state() == SessionState.MERGING) {
            throw new IllegalStateTransitionException(name, s.state(), SessionState.RUNNING, "Session '" + name + "' is "
                    + s.state() + " and takes no more prompts; add a new feature for more work.");
        }
        refuseOnDrift(s, "takes no prompt");
        AgentLauncher launcher = agents.resolve(s); // a session that could not run its agent refuses the prompt now
        // Issue 15 (bad input): so does a prompt its launcher could never deliver.
        launcher.checkPrompt(prompt).ifPresent(reason -> {
            throw new ConfigurationException("The prompt for session '" + name + "' was refused: " + reason);
        });
        SessionRecord after = lifecycle.change(name, "", r -> {
            List<String> prompts = new ArrayList<>(r.pendingPrompts());
            prompts.add(prompt);
            // A person acting on the session takes it over from the reactions: their count starts again.
            // A hold of the host's (hold(...)) stays: its prompts wait for release(...).
            SessionRecord.Builder b = r.toBuilder().pendingPrompts(prompts).attention(r.view().isHandedOver() ? r.attention() : "")
                    .reactionAttempts(0);
            if (r.work() == Session.Work.NONE && r.state().isSettled() && !r.state().isTerminal()) {
                b.work(Session.Work.QUEUED);
            }
            return b;
        });
        lifecycle.note(name, "follow-up queued: " + Lifecycle.oneLine(prompt) + (after.view().isHandedOver()
                ? " (it waits: " + after.attention() + ")" : ""));
        if (after.work() == Session.Work.QUEUED) {
            scheduler.enqueue(name);
        }
        return after.view();
    }

    @Override
    public Session hold(String name, String why) {
        ensureOpen();
        if (why == null || why.isBlank()) {
            throw new ConfigurationException("The reason to hold session '" + name + "' is " + (why == null ? "null" : "blank")
                    + "; say who works in it and how to release it if they are gone.");
        }
        SessionRecord s = lifecycle.get(Objects.requireNonNull(name, "name"));
        if (s.state() == SessionState.MERGED || s.state() == SessionState.MERGING) {
            throw new IllegalStateTransitionException(name, s.state(), s.state(), "Session '" + name + "' is " + s.state()
                    + "; there is nothing to hold.");
        }
        String attention = Session.HANDED_OVER + " " + Lifecycle.oneLine(why.strip());
        SessionRecord after = lifecycle.change(name, "", r -> {
            if (r.work() == Session.Work.RUNNING) {
                throw new IllegalStateTransitionException(name, r.state(), r.state(), "Session '" + name + "' is being worked on"
                        + " (state " + r.state() + "); stop it or wait for its turn to end (await), then hold it.");
            }
            return r.toBuilder().attention(attention);
        });
        lifecycle.note(name, attention);
        return after.view();
    }

    @Override
    public Session release(String name) {
        ensureOpen();
        SessionRecord s = lifecycle.get(Objects.requireNonNull(name, "name"));
        if (!s.view().isHandedOver()) {
            return s.view();
        }
        SessionRecord after = lifecycle.change(name, "", r -> r.view().isHandedOver() ? r.toBuilder().attention("") : r.toBuilder());
        lifecycle.note(name, "released: the orchestrator works on it again" + (after.pendingPrompts().isEmpty() ? ""
                : "; " + after.pendingPrompts().size() + " prompt(s) that waited start"));
        if (after.work() == Session.Work.QUEUED) {
            scheduler.enqueue(name);
        }
        return after.view();
    }

    @Override
    public Session stop(String name) {
        ensureOpen();
        SessionRecord s = lifecycle.get(name);
        if (s.state() == SessionState.MERGED || s.state() == SessionState.MERGING) {
            throw new IllegalStateTransitionException(name, s.state(), SessionState.STOPPED);
        }
        scheduler.cancel(name);
        SessionRecord after = lifecycle.requestHalt(name, Halt.STOP, "stopped on request");
        if (after.work() == Session.Work.RUNNING) {
            runner.interrupt(name);
            awaitQuietly(snapshot -> snapshot.session(name).map(x -> x.work() == Session.Work.NONE).orElse(true),
                    config.stopGrace().plusSeconds(30));
        }
        return lifecycle.get(name).view();
    }

    private void awaitQuietly(java.util.function.Predicate<StatusSnapshot> condition, Duration timeout) {
        try {
            lifecycle.awaitCondition(condition, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void remove(RemoveRequest request) {
        ensureOpen();
        String name = request.feature();
        SessionRecord s = lifecycle.get(name);
        Optional<Path> worktree = s.worktree().filter(p -> git.findWorktree(p).isPresent());
        // Check everything before changing anything, so a refusal loses nothing.
        if (!request.forced() && worktree.isPresent() && git.isDirty(worktree.get())) {
            throw new GitException("Session '" + name + "': the worktree " + worktree.get() + " has uncommitted changes ("
                    + git.uncommittedChanges(worktree.get()).size() + " files); commit them, or remove with"
                    + " RemoveRequest.of(\"" + name + "\").force()");
        }
        if (request.deleteBranch() && !request.forced() && git.branchExists(s.branch())
                && git.divergence(s.branch(), s.baseBranch()).ahead() > 0) {
            throw new GitException("Session '" + name + "': the branch " + s.branch() + " has "
                    + git.divergence(s.branch(), s.baseBranch()).ahead() + " commit(s) not merged into " + s.baseBranch()
                    + "; merge it, keep the branch with RemoveRequest.of(\"" + name + "\").keepBranch(), or force it with"
                    + " RemoveRequest.of(\"" + name + "\").force()");
        }
        if (s.work() != Session.Work.NONE || s.state().isActive()) {
            stop(name);
            // Found by the engine kill loop: a session stopped while its worktree was being made has a
            // worktree now that it did not have when the checks ran; removing only the one seen before
            // left that worktree behind with no session.
            Optional<Path> made = lifecycle.get(name).worktree().filter(p -> git.findWorktree(p).isPresent());
            if (made.isPresent() && worktree.isEmpty()) {
                if (!request.forced() && git.isDirty(made.get())) {
                    throw new GitException("Session '" + name + "': the worktree " + made.get() + " made while it was being"
                            + " removed has uncommitted changes; the session is stopped. Commit them, or remove with"
                            + " RemoveRequest.of(\"" + name + "\").force()");
                }
                worktree = made;
            }
        }
        worktree.ifPresent(p -> git.removeWorktree(p, request.forced()));
        if (request.deleteBranch() && git.branchExists(s.branch())) {
            git.deleteBranch(s.branch(), true);
        }
        lifecycle.delete(name);
        agents.forget(name);
    }

    @Override
    public Session runCi(String name) {
        ensureOpen();
        SessionRecord s = lifecycle.get(name);
        refuseOnDrift(s, "runs no CI");
        if (s.state() != SessionState.IDLE && s.state() != SessionState.READY_TO_MERGE) {
            throw new IllegalStateTransitionException(name, s.state(), SessionState.TESTING, "Session '" + name + "' is "
                    + s.state() + "; CI runs on demand for a session that is IDLE or READY_TO_MERGE. "
                    + (s.state().isActive() ? "Wait for it (await), then run CI." : "Prompt it to go on first."));
        }
        SessionRecord after = lifecycle.change(name, "", r -> {
            SessionRecord.Builder b = r.toBuilder().ciRequested(true);
            return r.work() == Session.Work.NONE ? b.work(Session.Work.QUEUED) : b;
        });
        lifecycle.note(name, "CI asked for");
        if (after.work() == Session.Work.QUEUED) {
            scheduler.enqueue(name);
        }
        return after.view();
    }

    @Override
    public Optional<RepositoryDrift> drift(String name) {
        ensureOpen();
        lifecycle.get(Objects.requireNonNull(name, "name"));
        return drift.notice(name);
    }

    @Override
    public Session repair(String name) {
        ensureOpen();
        SessionRecord s = lifecycle.get(Objects.requireNonNull(name, "name"));
        if (s.work() == Session.Work.RUNNING) {
            throw new IllegalStateTransitionException(name, s.state(), s.state(), "Session '" + name + "' is being worked on"
                    + " (state " + s.state() + "); stop it or wait for it (await), then repair it.");
        }
        Optional<RepositoryDrift> found = drift.notice(name);
        if (found.isEmpty()) {
            return lifecycle.get(name).view();
        }
        String done = drift.repair(s, found.get());
        lifecycle.note(name, done);
        log.info("session '{}': {}", name, done);
        drift.notice(name);
        coordinator.refreshSoon();
        return lifecycle.get(name).view();
    }

    /**
     * A stacked session's branch holds its dependency's commits: merged alone before the dependency,
     * it would bring them into the base untested as the dependency's own (issue 17). The merge
     * queue takes the dependency first; a single merge is refused, saying so.
     */
    private Optional<MergeResult> stackedOnUnmerged(SessionRecord s) {
        if (s.dependencyMode() != dev.agentorchestrator.DependencyMode.STACKED) {
            return Optional.empty();
        }
        return s.dependsOn().stream().filter(d -> lifecycle.find(d).map(x -> x.state() != SessionState.MERGED).orElse(false))
                .findFirst().map(d -> new MergeResult(s.name(), MergeResult.Outcome.REFUSED_STATE, s.baseBranch(),
                        git.resolve(s.baseBranch()).orElse(""), Optional.empty(), List.of(), "'" + s.name()
                        + "' is stacked on '" + d + "', which is not merged yet: merging it alone would bring the commits of '"
                        + d + "' into " + s.baseBranch() + ". Merge '" + d + "' first, or both in order with merge(List.of(\""
                        + d + "\", \"" + s.name() + "\"))."));
    }

    /** Before an action on a session: a worktree or branch changed by hand refuses it, saying how to repair. */
    private void refuseOnDrift(SessionRecord s, String refused) {
        drift.notice(s.name()).filter(RepositoryDrift::blocksWork).ifPresent(d -> {
            throw new GitException("Session '" + s.name() + "' " + refused + ": " + d.description() + "; " + d.fix() + ".");
        });
    }

    @Override
    public StatusSnapshot status() {
        StatusSnapshot sessions = lifecycle.snapshot();
        return new StatusSnapshot(sessions.takenAt(), sessions.sessions(), coordinator.overlaps(), coordinator.forecast(),
                mergeQueue.entries());
    }

    @Override
    public MergeResult merge(MergeRequest request) {
        ensureOpen();
        Objects.requireNonNull(request, "request");
        SessionRecord s = lifecycle.get(request.feature());
        refuseOnDrift(s, "is not merged");
        Optional<MergeResult> early = stackedOnUnmerged(s);
        if (early.isPresent()) {
            events.publish(new OrchestratorEvent.MergeFinished(lifecycle.now(), s.name(), early.get()));
            return early.get();
        }
        MergeResult r = merger.merge(request, false);
        coordinator.refreshSoon();
        return r;
    }

    @Override
    public List<MergeResult> merge(List<String> features) {
        ensureOpen();
        Objects.requireNonNull(features, "features");
        features.forEach(f -> Objects.requireNonNull(f, "feature"));
        mergeQueue.queueAll(features);
        return runMergeQueue();
    }

    @Override
    public List<MergeResult> mergeAll() {
        ensureOpen();
        mergeQueue.queueAll(lifecycle.all().stream().filter(s -> s.state() == SessionState.READY_TO_MERGE)
                .map(SessionRecord::name).toList());
        return runMergeQueue();
    }

    @Override
    public dev.agentorchestrator.MergeQueueEntry queueMerge(MergeRequest request) {
        ensureOpen();
        refuseOnDrift(lifecycle.get(Objects.requireNonNull(request, "request").feature()), "is not queued for merging");
        return mergeQueue.queue(request);
    }

    @Override
    public dev.agentorchestrator.MergeQueueEntry prioritizeMerge(String feature, int priority) {
        ensureOpen();
        return mergeQueue.prioritize(Objects.requireNonNull(feature, "feature"), priority);
    }

    @Override
    public List<MergeResult> runMergeQueue() {
        ensureOpen();
        List<MergeResult> results = mergeQueue.run();
        coordinator.refreshSoon();
        return results;
    }

    /** A follow-up that a reaction queued while nothing worked on the session (after a merge) is run now. */
    private void queueWorkIfPrompted(String name) {
        SessionRecord after = lifecycle.change(name, "", r -> r.work() == Session.Work.NONE && !r.pendingPrompts().isEmpty()
                && r.state().isSettled() && !r.state().isTerminal() ? r.toBuilder().work(Session.Work.QUEUED) : r.toBuilder());
        if (after.work() == Session.Work.QUEUED) {
            scheduler.enqueue(name);
        }
    }

    @Override
    public ForecastMatrix forecast() {
        return coordinator.forecast();
    }

    @Override
    public List<Overlap> overlaps() {
        return coordinator.overlaps();
    }

    @Override
    public dev.agentorchestrator.Plan plan(List<Feature> features) {
        Objects.requireNonNull(features, "features");
        return new Planner(lifecycle, coordinator).plan(features);
    }

    @Override
    public Events events() {
        return events;
    }

    @Override
    public Session await(String name, Duration timeout) {
        checkTimeout(timeout);
        lifecycle.get(name);
        boolean ok;
        try {
            ok = lifecycle.awaitCondition(snapshot -> snapshot.isSettled(name), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrchestratorException("interrupted while waiting for session '" + name + "'", e);
        }
        Session s = findSession(name).orElseThrow(() -> new OrchestratorException("session '" + name
                + "' was removed while waiting"));
        if (!ok) {
            throw new AwaitTimeoutException(timeout, "session '" + name + "' is not settled: " + s);
        }
        return s;
    }

    @Override
    public StatusSnapshot awaitAll(Duration timeout) {
        checkTimeout(timeout);
        boolean ok;
        try {
            ok = lifecycle.awaitCondition(StatusSnapshot::allSettled, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrchestratorException("interrupted while waiting for all sessions", e);
        }
        StatusSnapshot snapshot = status();
        if (!ok) {
            throw new AwaitTimeoutException(timeout, "these sessions are not settled: " + snapshot.sessions().stream()
                    .filter(s -> !snapshot.isSettled(s.name())).map(Session::toString).toList());
        }
        return snapshot;
    }

    private static void checkTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new ConfigurationException("timeout must not be negative, was " + timeout + "; wait with Duration.ofMinutes(10)"
                    + " or similar, or Duration.ZERO to look without waiting");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting and this is the hook itself
        }
        // Notifications first: the interruptions that follow are not news for a person, nor "all settled".
        try {
            notifications.close();
        } catch (Exception e) {
            log.warn("closing the notifications failed", e);
        }
        scheduler.close();
        List<String> live = runner.liveSessions();
        for (String name : live) {
            try {
                lifecycle.requestHalt(name, Halt.INTERRUPT, "the orchestrator is closing");
            } catch (OrchestratorException e) {
                log.warn("could not mark session {} for interruption", name, e);
            }
        }
        live.parallelStream().forEach(runner::interrupt);
        awaitQuietly(snapshot -> runner.liveSessions().isEmpty(), config.stopGrace().plusSeconds(30));
        workers.shutdown();
        watch.shutdownNow();
        coordinator.close();
        stacker.close();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (config.stateStore().isEmpty()) {
            store.close();
        }
        lock.close();
        git.close();
        if (ownedListenerExecutor != null) {
            ownedListenerExecutor.shutdown();
        }
    }

    /** Reports agents silent for longer than the stall timeout, once per silence; clears the report when they speak again. */
    private void watchForStalls() {
        try {
            java.time.Instant now = lifecycle.now();
            for (SessionRecord s : lifecycle.all()) {
                boolean reported = s.attention().startsWith(STALLED);
                Duration silent = Duration.between(s.lastActivityAt(), now);
                boolean stalled = s.state() == SessionState.RUNNING && silent.compareTo(config.stallTimeout()) > 0;
                if (stalled && !reported) {
                    String why = STALLED + " the agent has printed nothing for " + silent.toSeconds() + " s; it may be stuck"
                            + " (a hung tool, or a question it waits on). Stop it, or prompt it when its turn ends.";
                    lifecycle.update(s.name(), b -> b.attention(why));
                    lifecycle.note(s.name(), why);
                    events.publish(new OrchestratorEvent.AgentStalled(now, s.name(), silent));
                } else if (!stalled && reported) {
                    lifecycle.change(s.name(), "", r -> r.attention().startsWith(STALLED) ? r.toBuilder().attention("") : r.toBuilder());
                }
            }
        } catch (RuntimeException e) {
            log.debug("the stall watch failed once; it runs again", e);
        }
    }

    private static final String STALLED = "stalled:";

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            log.warn("closing the orchestrator at JVM exit failed", e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new OrchestratorClosedException();
        }
    }

    /** What this engine runs on, for the log at start. */
    String describe() {
        return "agent-orchestrator on " + git.workTree() + ": git backend " + gitDescription + ", agent " + agentDescription
                + ", CI " + ci.name() + ", base branch " + defaultBase + ", up to " + config.maxParallelSessions()
                + " agents at once, steps " + runner.pipeline().stream().map(SessionRunner.Step::name).toList();
    }

    /** {@code Orchestrator[/path/repo, git=jgit, agent=claude-code, 3 sessions: auth RUNNING, ui QUEUED]}. */
    @Override
    public String toString() {
        List<String> sessions = lifecycle.all().stream().map(s -> s.name() + " " + s.state()).toList();
        return "Orchestrator[" + git.workTree() + ", git=" + gitDescription.split(" ")[0] + ", agent="
                + agents.defaultAgent().name() + ", " + sessions.size() + " session" + (sessions.size() == 1 ? "" : "s")
                + (sessions.isEmpty() ? "" : ": " + String.join(", ", sessions)) + (closed ? ", closed" : "") + "]";
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
