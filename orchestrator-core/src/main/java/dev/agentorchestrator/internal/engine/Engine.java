package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.AgentLaunchException;
import dev.agentorchestrator.AwaitTimeoutException;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.Events;
import dev.agentorchestrator.Feature;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.IllegalStateTransitionException;
import dev.agentorchestrator.InvalidFeatureNameException;
import dev.agentorchestrator.MergeRequest;
import dev.agentorchestrator.MergeResult;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorException;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.StatusSnapshot;
import dev.agentorchestrator.WorktreeSetup;
import dev.agentorchestrator.internal.process.ProcessTrees;
import dev.agentorchestrator.spi.AgentLauncher;
import dev.agentorchestrator.spi.CiRunner;
import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.GitRepository;
import dev.agentorchestrator.spi.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running {@link Orchestrator}: owns the repository handle, the store, the scheduler, the
 * supervisor and the event hub, and nothing static, so several engines (on different
 * repositories) can live in one JVM.
 */
public final class Engine implements Orchestrator {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);

    private final EngineConfig config;
    private final GitRepository git;
    private final StateStore store;
    private final EngineLock lock;
    private final EventHub events;
    private final Lifecycle lifecycle;
    private final Scheduler scheduler;
    private final Supervisor supervisor;
    private final WorktreeProvisioner provisioner;
    private final AgentLauncher defaultAgent;
    private final Map<String, AgentLauncher> featureAgents = new ConcurrentHashMap<>();
    private final Map<String, WorktreeSetup> featureSetups = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final ExecutorService ownedListenerExecutor;
    private final String defaultBase;
    private final Thread shutdownHook;
    private final Object addLock = new Object();
    private volatile boolean closed;

    private Engine(EngineConfig config, GitRepository git, StateStore store, EngineLock lock) {
        this.config = config;
        this.git = git;
        this.store = store;
        this.lock = lock;
        this.ownedListenerExecutor = config.listenerExecutor().isPresent() ? null
                : Executors.newCachedThreadPool(daemon("orchestrator-listener"));
        this.events = new EventHub(config.listenerExecutor().orElse(ownedListenerExecutor));
        config.listeners().forEach(events::subscribe);
        this.lifecycle = new Lifecycle(store, events, Clock.systemUTC());
        this.scheduler = new Scheduler(config.maxParallelSessions(), lifecycle);
        Path worktrees = config.worktreesDirectory().orElseGet(() ->
                git.workTree().resolveSibling(git.workTree().getFileName() + ".worktrees"));
        this.provisioner = new WorktreeProvisioner(git, worktrees, config.branchPrefix());
        this.defaultAgent = config.agent().orElseGet(() -> Providers.best(AgentLauncher.class, AgentLauncher::priority,
                "agent", "add a launcher to the classpath (orchestrator-core registers Claude Code)"));
        CiRunner ci = config.ci().orElseGet(() -> Providers.best(CiRunner.class, CiRunner::priority, "ci",
                "use Ci.command(...) or Ci.none()"));
        this.defaultBase = config.baseBranch().or(git::currentBranch).orElseThrow(() -> new ConfigurationException(
                "baseBranch is not set and the main worktree " + git.workTree() + " is on a detached HEAD;"
                        + " set Orchestrator.builder().baseBranch(\"main\") or check out a branch"));
        this.workers = Executors.newCachedThreadPool(daemon("orchestrator-session"));
        this.timers = Executors.newSingleThreadScheduledExecutor(daemon("orchestrator-timer"));
        this.supervisor = new Supervisor(config, lifecycle, scheduler, provisioner, git, ci, store::log, this::agentFor,
                name -> featureSetups.getOrDefault(name, config.setup()), events, workers, timers);
        scheduler.dispatchTo(supervisor::dispatch);
        this.shutdownHook = new Thread(this::closeQuietly, "orchestrator-shutdown");
    }

    /** Resolves the defaults, recovers what a previous engine left, adds the configured features. */
    public static Orchestrator start(EngineConfig config) {
        GitBackend backend = config.git().orElseGet(() -> Providers.best(GitBackend.class, GitBackend::priority, "git",
                "add orchestrator-jgit to the classpath, or install git"));
        GitRepository git = backend.open(config.repo());
        EngineLock lock = null;
        StateStore store = null;
        try {
            lock = EngineLock.acquire(git.commonDir());
            Path commonDir = git.commonDir();
            store = config.stateStore().orElseGet(() -> Providers.best(StateStore.Provider.class,
                    StateStore.Provider::priority, "stateStore", "add a StateStore.Provider").open(commonDir));
            Engine engine = new Engine(config, git, store, lock);
            engine.recover();
            engine.addConfiguredFeatures(config.features());
            Runtime.getRuntime().addShutdownHook(engine.shutdownHook);
            engine.scheduler.pump();
            return engine;
        } catch (RuntimeException e) {
            if (store != null && config.stateStore().isEmpty()) {
                store.close();
            }
            if (lock != null) {
                lock.close();
            }
            git.close();
            throw e;
        }
    }

    /** Sessions a previous engine left mid-work get INTERRUPTED (their agents ended); queued ones queue again. */
    private void recover() {
        for (Session s : lifecycle.loadAll()) {
            if (s.state().isActive()) {
                String ended = "";
                if (s.agentPid().isPresent()) {
                    var alive = ProcessTrees.find(s.agentPid().getAsLong(), s.agentStartedAt());
                    if (alive.isPresent()) {
                        ProcessTrees.terminate(alive.get(), config.stopGrace());
                        ended = "; its agent (pid " + s.agentPid().getAsLong() + ") was still running and has been ended";
                    }
                }
                lifecycle.transition(s.name(), SessionState.INTERRUPTED, "the orchestrator that ran this session ended while it was "
                        + s.state() + ended + "; prompt it to resume", Session.Builder::noAgentProcess);
            } else if (s.state() == SessionState.QUEUED) {
                scheduler.enqueue(s.name(), Scheduler.Kind.START);
            } else if (s.state().isSettled() && !s.state().isTerminal() && !s.pendingPrompts().isEmpty()) {
                scheduler.enqueue(s.name(), Scheduler.Kind.RESUME);
            }
        }
    }

    private void addConfiguredFeatures(List<Feature> features) {
        for (Feature f : features) {
            if (lifecycle.find(f.name()).isPresent()) {
                // Started again with the same features: keep the stored session, adopt its settings.
                f.agent().ifPresent(a -> featureAgents.put(f.name(), a));
                f.setup().ifPresent(s -> featureSetups.put(f.name(), s));
                log.info("feature {} is already a session of this repository; keeping it as stored", f.name());
            }
        }
        List<Feature> toAdd = new ArrayList<>(features.stream().filter(f -> lifecycle.find(f.name()).isEmpty()).toList());
        // Dependencies first, so a feature may name one listed after it in the builder.
        while (!toAdd.isEmpty()) {
            Feature next = toAdd.stream().filter(f -> f.dependsOn().stream().allMatch(d -> lifecycle.find(d).isPresent()))
                    .findFirst().orElse(null);
            if (next == null) {
                List<String> names = toAdd.stream().map(Feature::name).toList();
                throw new ConfigurationException("features " + names + " depend on features that are neither configured"
                        + " nor stored, or on each other in a cycle: "
                        + toAdd.stream().map(f -> f.name() + " -> " + f.dependsOn()).toList()
                        + ". Add the missing features or break the cycle.");
            }
            addFeature(next);
            toAdd.remove(next);
        }
    }

    private AgentLauncher agentFor(Session s) {
        AgentLauncher own = featureAgents.get(s.name());
        if (own != null) {
            return own;
        }
        if (defaultAgent.name().equals(s.agent())) {
            return defaultAgent;
        }
        return Providers.all(AgentLauncher.class, AgentLauncher::priority).stream()
                .filter(a -> a.name().equals(s.agent())).findFirst()
                .orElseThrow(() -> new AgentLaunchException("Session '" + s.name() + "' runs agent '" + s.agent()
                        + "', which this orchestrator was not given; pass it with Orchestrator.builder().agent(...)"
                        + " or the feature's own agent"));
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
            Optional<Session> existing = lifecycle.find(name);
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
            provisioner.checkAvailable(name);
            String base = feature.baseBranch().orElse(defaultBase);
            if (git.resolve(base).isEmpty()) {
                throw new GitException("Feature '" + name + "': base branch '" + base + "' does not resolve to a commit in "
                        + git.workTree() + (git.resolve("HEAD").isEmpty() ? " (the repository has no commits yet; make a first commit)"
                        : "; name an existing branch with Feature.builder(...).baseBranch(...)"));
            }
            AgentLauncher agent = feature.agent().orElse(defaultAgent);
            feature.agent().ifPresent(a -> featureAgents.put(name, a));
            feature.setup().ifPresent(s -> featureSetups.put(name, s));
            Session session = Session.queued(name, feature.prompt(), base, provisioner.branchFor(name),
                    feature.dependsOn(), agent.name(), lifecycle.now());
            lifecycle.create(session);
            scheduler.enqueue(name, Scheduler.Kind.START);
            return lifecycle.get(name);
        }
    }

    @Override
    public List<Session> sessions() {
        return lifecycle.all();
    }

    @Override
    public Session session(String name) {
        return lifecycle.get(name);
    }

    @Override
    public Optional<Session> findSession(String name) {
        return lifecycle.find(name);
    }

    @Override
    public Session prompt(String name, String prompt) {
        ensureOpen();
        if (prompt == null || prompt.isBlank()) {
            throw new ConfigurationException("prompt for session '" + name + "' must not be blank");
        }
        Session s = lifecycle.get(name);
        if (s.state() == SessionState.MERGED || s.state() == SessionState.MERGING) {
            throw new IllegalStateTransitionException(name, s.state(), SessionState.RUNNING, "Session '" + name + "' is "
                    + s.state() + " and takes no more prompts; add a new feature for more work.");
        }
        if (supervisor.offerInput(name, prompt)) {
            lifecycle.note(name, "follow-up sent to the running agent: " + Lifecycle.oneLine(prompt));
            return lifecycle.get(name);
        }
        Session after = lifecycle.updateFrom(name, stored -> stored.toBuilder().pendingPrompts(append(stored.pendingPrompts(), prompt)));
        lifecycle.note(name, "follow-up queued: " + Lifecycle.oneLine(prompt));
        if (after.state().isSettled()) {
            scheduler.enqueue(name, Scheduler.Kind.RESUME);
        }
        return lifecycle.get(name);
    }

    private static List<String> append(List<String> list, String item) {
        List<String> out = new ArrayList<>(list);
        out.add(item);
        return out;
    }

    @Override
    public Session stop(String name) {
        ensureOpen();
        Session s = lifecycle.get(name);
        if (s.state() == SessionState.STOPPED) {
            return s;
        }
        if (s.state() == SessionState.MERGED || s.state() == SessionState.MERGING) {
            throw new IllegalStateTransitionException(name, s.state(), SessionState.STOPPED);
        }
        scheduler.cancel(name);
        lifecycle.update(name, b -> b.pendingPrompts(List.of()));
        if (supervisor.requestStop(name) || s.state() == SessionState.CREATING_WORKTREE) {
            awaitQuietly(name, config.stopGrace().plusSeconds(30));
        }
        lifecycle.transitionIf(name, st -> st != SessionState.STOPPED && st.canMoveTo(SessionState.STOPPED) && !st.isActive(),
                SessionState.STOPPED, "stopped on request", Session.Builder::noAgentProcess);
        return lifecycle.get(name);
    }

    private void awaitQuietly(String name, Duration timeout) {
        try {
            lifecycle.awaitCondition(all -> all.stream().filter(x -> x.name().equals(name))
                    .allMatch(x -> !x.state().isActive()), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void remove(String name, boolean deleteBranch, boolean force) {
        ensureOpen();
        Session s = lifecycle.get(name);
        Optional<Path> worktree = s.worktree().filter(p -> git.findWorktree(p).isPresent());
        // Check everything before changing anything, so a refusal loses nothing.
        if (!force && worktree.isPresent() && git.isDirty(worktree.get())) {
            throw new GitException("Session '" + name + "': the worktree " + worktree.get() + " has uncommitted changes"
                    + " (" + git.uncommittedChanges(worktree.get()).size() + " files); commit them, or remove with force=true");
        }
        if (deleteBranch && !force && git.branchExists(s.branch()) && git.divergence(s.branch(), s.baseBranch()).ahead() > 0) {
            throw new GitException("Session '" + name + "': the branch " + s.branch() + " has "
                    + git.divergence(s.branch(), s.baseBranch()).ahead() + " commit(s) not merged into " + s.baseBranch()
                    + "; merge it, keep the branch (deleteBranch=false), or remove with force=true");
        }
        if (s.state().isActive() || !s.state().isSettled()) {
            stop(name);
        }
        worktree.ifPresent(p -> git.removeWorktree(p, force));
        if (deleteBranch && git.branchExists(s.branch())) {
            git.deleteBranch(s.branch(), true);
        }
        lifecycle.delete(name);
        featureAgents.remove(name);
        featureSetups.remove(name);
    }

    @Override
    public StatusSnapshot status() {
        return new StatusSnapshot(lifecycle.now(), lifecycle.all());
    }

    @Override
    public Events events() {
        return events;
    }

    private boolean settled(Session s) {
        return (s.state().isSettled() && s.pendingPrompts().isEmpty() && !scheduler.isQueued(s.name())
                && !supervisor.hasFollowUpWork(s.name()))
                || scheduler.blockedForGood(s);
    }

    @Override
    public Session await(String name, Duration timeout) {
        lifecycle.get(name);
        boolean ok;
        try {
            ok = lifecycle.awaitCondition(all -> all.stream().filter(s -> s.name().equals(name)).allMatch(this::settled), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrchestratorException("interrupted while waiting for session '" + name + "'", e);
        }
        Session s = lifecycle.find(name).orElseThrow(() -> new OrchestratorException("session '" + name + "' was removed while waiting"));
        if (!ok) {
            throw new AwaitTimeoutException(timeout, "session '" + name + "' is still " + s.state());
        }
        return s;
    }

    @Override
    public StatusSnapshot awaitAll(Duration timeout) {
        boolean ok;
        try {
            ok = lifecycle.awaitCondition(all -> all.stream().allMatch(this::settled), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrchestratorException("interrupted while waiting for all sessions", e);
        }
        StatusSnapshot snapshot = status();
        if (!ok) {
            throw new AwaitTimeoutException(timeout, "these sessions are not settled: " + snapshot.sessions().stream()
                    .filter(s -> !settled(s)).map(s -> s.name() + " (" + s.state() + ")").toList());
        }
        return snapshot;
    }

    @Override
    public MergeResult merge(MergeRequest request) {
        lifecycle.get(request.feature());
        throw new UnsupportedOperationException("Merging through the orchestrator arrives with the merge queue; until then"
                + " merge the branch '" + lifecycle.get(request.feature()).branch() + "' with git, then remove the session.");
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
        scheduler.close();
        supervisor.closeAll();
        try {
            lifecycle.awaitCondition(all -> all.stream().noneMatch(s -> s.state().isActive()), config.stopGrace().plusSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdown();
        timers.shutdownNow();
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

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            log.warn("closing the orchestrator at JVM exit failed", e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new dev.agentorchestrator.OrchestratorClosedException();
        }
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
