package dev.agentorchestrator.internal.coordination;

import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.ForecastMatrix;
import dev.agentorchestrator.ForecastMatrix.Cell;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.spi.GitRepository;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forecasts merge conflicts between every pair of live branches, and between each branch and its
 * base, with {@link GitRepository#mergeConflicts} (the heads resolved at once with
 * {@link GitRepository#resolveAll}): nothing but objects is written, no working tree is touched.
 *
 * <p>Results are cached by the pair of commit ids (in either order: a merge conflicts, and on the
 * same paths, whichever side is "ours"), so a refresh after one branch moved recomputes only the
 * pairs that involve it; everything else is a cache hit. Cache entries not used by the latest
 * refresh are dropped, which keeps the cache as small as the matrix. Failures (a branch that does
 * not resolve, unrelated histories) become {@link ForecastMatrix.Outcome#UNKNOWN} cells and are
 * not cached, so they are retried.
 *
 * <p>Refreshes run one at a time. {@link #refreshAsync} always runs on the executor given at
 * construction, never on the caller's thread. When a refresh changes any cell (or adds one), the
 * listener gets the new matrix and the changed cells, on the thread that ran the refresh; a
 * listener that throws is logged and does not stop the forecaster.
 */
public final class ConflictForecaster {

    private static final Logger LOG = LoggerFactory.getLogger(ConflictForecaster.class);

    /**
     * One live branch to forecast.
     *
     * @param name   the session's name, unique within one refresh
     * @param branch its branch
     * @param base   the branch it will merge into
     */
    public record Entry(String name, String branch, String base) {
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(branch, "branch");
            Objects.requireNonNull(base, "base");
        }
    }

    /** What a refresh changed: the new matrix and the cells that differ from the previous one (or are new). */
    public record Update(ForecastMatrix matrix, List<Cell> changed) {
        public Update {
            Objects.requireNonNull(matrix, "matrix");
            changed = List.copyOf(changed);
        }
    }

    /** A computed merge, without the side names: what the cache holds. */
    private record Result(boolean clean, List<String> conflicts) {
    }

    /** A pair of commits in a fixed order, so that (a, b) and (b, a) share one entry. */
    private record Key(String low, String high) {
        static Key of(String a, String b) {
            return a.compareTo(b) <= 0 ? new Key(a, b) : new Key(b, a);
        }
    }

    private final GitRepository repository;
    private final Executor executor;
    private final Consumer<Update> listener;
    private final ReentrantLock refreshing = new ReentrantLock();
    private final Map<Key, Result> cache = new ConcurrentHashMap<>();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private volatile ForecastMatrix latest = ForecastMatrix.empty();

    /**
     * @param repository where the branches live
     * @param executor   runs {@link #refreshAsync}; the engine's background pool, never its event thread
     * @param listener   told about every refresh that changed a cell
     */
    public ConflictForecaster(GitRepository repository, Executor executor, Consumer<Update> listener) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** The matrix of the latest finished refresh; empty before the first. */
    public ForecastMatrix latest() {
        return latest;
    }

    /** Cells served from the cache since this forecaster was made. */
    public long cacheHits() {
        return hits.get();
    }

    /** Cells computed with a merge since this forecaster was made (cache misses, failures included). */
    public long cacheMisses() {
        return misses.get();
    }

    /** How many pairs of commits the cache holds now. */
    public int cacheSize() {
        return cache.size();
    }

    /** Refreshes on the executor; the future completes with the new matrix, or with the failure. */
    public CompletableFuture<ForecastMatrix> refreshAsync(Collection<Entry> entries) {
        List<Entry> copy = List.copyOf(entries);
        return CompletableFuture.supplyAsync(() -> refresh(copy), executor);
    }

    /**
     * Computes the matrix for {@code entries} on the calling thread (the engine calls
     * {@link #refreshAsync} instead), reusing every cached pair of commits.
     *
     * @throws ConfigurationException when two entries share a name
     */
    public ForecastMatrix refresh(Collection<Entry> entries) {
        List<Entry> list = List.copyOf(entries);
        Set<String> names = new HashSet<>();
        for (Entry e : list) {
            if (!names.add(e.name())) {
                throw new ConfigurationException("cannot forecast: two entries are named '" + e.name()
                        + "'; give each session's branch once");
            }
        }
        refreshing.lock();
        try {
            ForecastMatrix matrix = compute(list);
            List<Cell> changed = changedCells(latest, matrix);
            latest = matrix;
            if (!changed.isEmpty()) {
                notifyListener(new Update(matrix, changed));
            }
            return matrix;
        } finally {
            refreshing.unlock();
        }
    }

    private ForecastMatrix compute(List<Entry> entries) {
        Set<String> revisions = new java.util.LinkedHashSet<>();
        for (Entry e : entries) {
            revisions.add(e.branch());
            revisions.add(e.base());
        }
        Map<String, Optional<String>> commits = new HashMap<>(repository.resolveAll(revisions));
        Set<Key> used = new HashSet<>();
        Map<String, String> heads = new LinkedHashMap<>();
        entries.forEach(e -> commits.get(e.branch()).ifPresent(id -> heads.put(e.name(), id)));
        List<Cell> pairs = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            for (int j = i + 1; j < entries.size(); j++) {
                Entry a = entries.get(i);
                Entry b = entries.get(j);
                pairs.add(cell(a.name(), b.name(), a.branch(), b.branch(), commits, used));
            }
        }
        List<Cell> bases = new ArrayList<>();
        for (Entry e : entries) {
            bases.add(cell(e.name(), e.base(), e.base(), e.branch(), commits, used));
        }
        cache.keySet().retainAll(used);
        return new ForecastMatrix(entries.stream().map(Entry::name).toList(), heads, pairs, bases);
    }

    private Cell cell(String name, String other, String ours, String theirs, Map<String, Optional<String>> commits,
                      Set<Key> used) {
        Optional<String> o = commits.get(ours);
        Optional<String> t = commits.get(theirs);
        if (o.isEmpty() || t.isEmpty()) {
            misses.incrementAndGet();
            return ForecastMatrix.Cell.unknown(name, other, "branch '" + (o.isEmpty() ? ours : theirs)
                    + "' does not resolve to a commit");
        }
        Key key = Key.of(o.get(), t.get());
        used.add(key);
        Result cached = cache.get(key);
        if (cached != null) {
            hits.incrementAndGet();
            return toCell(name, other, cached);
        }
        misses.incrementAndGet();
        try {
            List<String> conflicts = repository.mergeConflicts(o.get(), t.get());
            Result result = new Result(conflicts.isEmpty(), conflicts);
            cache.put(key, result);
            return toCell(name, other, result);
        } catch (GitException e) {
            return ForecastMatrix.Cell.unknown(name, other, e.getMessage());
        }
    }

    private static Cell toCell(String name, String other, Result result) {
        return result.clean() ? ForecastMatrix.Cell.clean(name, other)
                : ForecastMatrix.Cell.conflict(name, other, result.conflicts());
    }

    /** Cells of {@code after} that {@code before} did not have with the same outcome, paths and reason. */
    static List<Cell> changedCells(ForecastMatrix before, ForecastMatrix after) {
        Set<Cell> old = new HashSet<>(before.cells());
        return after.cells().stream().filter(c -> !old.contains(c)).toList();
    }

    private void notifyListener(Update update) {
        try {
            listener.accept(update);
        } catch (RuntimeException e) {
            LOG.warn("A conflict-forecast listener threw; the forecast goes on", e);
        }
    }
}
