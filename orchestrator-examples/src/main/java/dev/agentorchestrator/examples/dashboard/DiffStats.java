package dev.agentorchestrator.examples.dashboard;

import dev.agentorchestrator.DiffStat;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.GitRepository;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files and lines each session's branch changes against its base ({@link GitRepository#diffStat}:
 * from their merge base, as a pull request counts them), kept fresh as branches move.
 *
 * <p>Git is never run on the orchestrator's listener thread: an event only marks its session as
 * touched, and a thread of this class's own, a moment later (so a burst of agent output is one
 * refresh), resolves the branch and base heads and recounts only when either moved. After every
 * refresh it runs the {@code refreshed} callback, which re-sends the cards whose facts changed; that
 * same pass also catches what the engine changes without an event of its own (an overlap that went
 * away).
 */
final class DiffStats implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DiffStats.class);
    /** How long touches are gathered into one refresh: agents print many lines a second. */
    private static final long GATHER_MILLIS = 100;

    /** A count and the heads it was counted at. */
    private record Counted(String branchHead, String baseHead, DiffStat stat) {
    }

    private final Orchestrator orchestrator;
    private final Optional<GitBackend> given;
    private final Map<String, Counted> counted = new ConcurrentHashMap<>();
    private final Set<String> touched = new LinkedHashSet<>();
    private final ScheduledExecutorService executor;
    private volatile Runnable refreshed = () -> { };
    private boolean scheduled;
    private GitRepository repository;
    private volatile String unavailable;

    DiffStats(Orchestrator orchestrator, Optional<GitBackend> backend) {
        this.orchestrator = orchestrator;
        this.given = backend;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dashboard-diff-stats");
            t.setDaemon(true);
            return t;
        });
    }

    /** What to run after each refresh (the journal re-sends the cards that changed). */
    void onRefreshed(Runnable callback) {
        this.refreshed = callback;
    }

    /** The session's branch may have moved: count it again soon (only if a head moved). */
    void touch(String session) {
        synchronized (touched) {
            touched.add(session);
            if (!scheduled) {
                scheduled = true;
                try {
                    executor.schedule(this::refresh, GATHER_MILLIS, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException closed) {
                    scheduled = false;
                }
            }
        }
    }

    /** Counts every session soon (at start, so the first page already has them). */
    void touchAll() {
        orchestrator.sessions().forEach(s -> touch(s.name()));
    }

    void forget(String session) {
        counted.remove(session);
    }

    /** The latest count for the session; empty until it was counted once, or when git cannot count. */
    Optional<DiffStat> of(String session) {
        return Optional.ofNullable(counted.get(session)).map(Counted::stat);
    }

    /** Why no session has a count (the backend could not be opened), or empty. */
    Optional<String> unavailable() {
        return Optional.ofNullable(unavailable);
    }

    private void refresh() {
        Set<String> names;
        synchronized (touched) {
            names = new LinkedHashSet<>(touched);
            touched.clear();
            scheduled = false;
        }
        try {
            GitRepository git = repository();
            if (git != null) {
                for (String name : names) {
                    orchestrator.findSession(name).ifPresentOrElse(s -> count(git, s), () -> counted.remove(name));
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("counting the changed lines failed; the next change tries again", e);
        }
        try {
            refreshed.run();
        } catch (RuntimeException e) {
            LOG.warn("re-sending the dashboard's changed cards failed", e);
        }
    }

    private void count(GitRepository git, Session s) {
        Counted before = counted.get(s.name());
        // A merged branch is in its base, so its count against the base is now zero: keep the count it
        // had, which is what it brought in (and leave uncounted one merged before this dashboard saw it).
        if (s.state() == SessionState.MERGED) {
            return;
        }
        Optional<String> branchHead = git.resolve(s.branch());
        Optional<String> baseHead = git.resolve(s.baseBranch());
        if (branchHead.isEmpty() || baseHead.isEmpty()) {
            counted.remove(s.name());
            return;
        }
        if (before != null && before.branchHead().equals(branchHead.get()) && before.baseHead().equals(baseHead.get())) {
            return;
        }
        counted.put(s.name(), new Counted(branchHead.get(), baseHead.get(), git.diffStat(branchHead.get(), baseHead.get())));
    }

    /** Opened on the refresh thread on first use, so a dashboard starts at once even on a slow disk. */
    private GitRepository repository() {
        if (repository == null && unavailable == null) {
            try {
                GitBackend backend = given.orElseGet(DiffStats::discover);
                repository = backend.open(orchestrator.repository());
            } catch (RuntimeException e) {
                unavailable = "The diff stats cannot be counted: " + e.getMessage();
                LOG.warn("{}", unavailable);
            }
        }
        return repository;
    }

    /** The usable backend with the highest priority, as the orchestrator's builder picks one. */
    private static GitBackend discover() {
        return ServiceLoader.load(GitBackend.class, DiffStats.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get)
                .filter(b -> b.availability().usable())
                .max(Comparator.comparingInt(GitBackend::priority))
                .orElseThrow(() -> new IllegalStateException("no usable GitBackend was found; put orchestrator-jgit on"
                        + " the class path, install git, or pass DashboardOptions.withGit(backend)"));
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (repository != null) {
            repository.close();
        }
    }
}
