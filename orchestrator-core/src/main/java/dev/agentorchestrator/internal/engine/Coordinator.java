package dev.agentorchestrator.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.ChangedFile;
import dev.agentorchestrator.ForecastMatrix;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Overlap;
import dev.agentorchestrator.OverlapPolicy;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.internal.coordination.ConflictForecaster;
import dev.agentorchestrator.spi.GitRepository;
import dev.agentorchestrator.spi.SessionRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches all sessions at once, in the background: the files each one touches (committed on its
 * branch since the merge base, uncommitted in its worktree, written by its agent's tools while it
 * runs), the overlaps between them, and the conflict forecast for every pair of live branches and
 * each branch against its base. Fed by the engine's own events; every refresh runs on this
 * service's single thread, never on a caller's or the event thread, and refreshes asked for while
 * one is pending are folded into it.
 */
final class Coordinator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Coordinator.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> WRITING_TOOLS = Set.of("Write", "Edit", "MultiEdit", "NotebookEdit");

    private final GitRepository git;
    private final Lifecycle lifecycle;
    private final EventHub events;
    private final OverlapPolicy policy;
    private final BiConsumer<String, String> tell;
    private final ExecutorService executor;
    private final ConflictForecaster forecaster;
    private final Map<String, Set<String>> toolTouched = new ConcurrentHashMap<>();
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile List<Overlap> overlaps = List.of();
    private final OverlapHolds holds;
    /** Issue 17 (plan): the files each live session touched at the last refresh, and every overlap seen since start. */
    private volatile Map<String, Set<String>> touchedFiles = Map.of();
    private final List<Overlap> history = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** {@code tell}: queues a follow-up prompt for a session (the engine's prompt path), for {@link OverlapPolicy#TELL}. */
    Coordinator(GitRepository git, Lifecycle lifecycle, EventHub events, OverlapPolicy policy, BiConsumer<String, String> tell) {
        this.git = git;
        this.lifecycle = lifecycle;
        this.events = events;
        this.policy = policy;
        this.tell = tell;
        this.holds = new OverlapHolds(lifecycle);
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "orchestrator-coordination");
            t.setDaemon(true);
            return t;
        });
        this.forecaster = new ConflictForecaster(git, executor, update -> update.changed().forEach(cell ->
                events.publish(new OrchestratorEvent.ForecastChanged(lifecycle.now(), cell.name(), cell.other(), cell))));
        events.subscribe(this::onEvent);
    }

    ForecastMatrix forecast() {
        return forecaster.latest();
    }

    List<Overlap> overlaps() {
        return overlaps;
    }

    /** The files each live session touched at the last refresh (committed, uncommitted, written by its tools). */
    Map<String, Set<String>> touchedFiles() {
        return touchedFiles;
    }

    /** Every overlap seen since this engine started, as first seen or grown. */
    List<Overlap> overlapHistory() {
        return List.copyOf(history);
    }

    long forecastCacheHits() {
        return forecaster.cacheHits();
    }

    long forecastCacheMisses() {
        return forecaster.cacheMisses();
    }

    /** Asks for a refresh; one that is already pending covers it. */
    void refreshSoon() {
        if (pending.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    pending.set(false);
                    try {
                        refresh();
                    } catch (RuntimeException e) {
                        log.warn("refreshing overlaps and the conflict forecast failed; the next change tries again", e);
                    }
                });
            } catch (RejectedExecutionException closed) {
                pending.set(false);
            }
        }
    }

    private void onEvent(OrchestratorEvent e) {
        if (e instanceof OrchestratorEvent.AgentActivity a && a.event() instanceof AgentEvent.ToolUse t
                && WRITING_TOOLS.contains(t.tool())) {
            filePath(t).ifPresent(file -> {
                if (toolTouched.computeIfAbsent(a.session(), k -> ConcurrentHashMap.newKeySet()).add(file)) {
                    refreshSoon();
                }
            });
        } else if (e instanceof OrchestratorEvent.StateChanged c && (c.to().isSettled() || c.to() == SessionState.TESTING)) {
            toolTouched.remove(c.session()); // the branch and the worktree now show what the tools wrote
            refreshSoon();
        } else if (e instanceof OrchestratorEvent.SessionRemoved r) {
            toolTouched.remove(r.session());
            refreshSoon();
        }
    }

    /** The file a writing tool names, relative to the session's worktree when it lies inside it. */
    private Optional<String> filePath(AgentEvent.ToolUse t) {
        try {
            JsonNode input = JSON.readTree(t.inputJson());
            JsonNode path = input.has("file_path") ? input.get("file_path") : input.get("notebook_path");
            if (path == null || !path.isTextual()) {
                return Optional.empty();
            }
            return Optional.of(path.textValue());
        } catch (Exception unreadable) {
            return Optional.empty();
        }
    }

    private void refresh() {
        List<SessionRecord> live = lifecycle.all().stream()
                .filter(r -> r.state() != SessionState.MERGED && git.branchExists(r.branch())).toList();
        List<ConflictForecaster.Entry> entries = live.stream()
                .map(r -> new ConflictForecaster.Entry(r.name(), r.branch(), r.baseBranch())).toList();
        forecaster.refresh(entries);
        Map<String, Set<String>> touched = new ConcurrentHashMap<>();
        for (SessionRecord r : live) {
            Set<String> files = new TreeSet<>();
            // Issue 17: a stacked session's branch holds its dependency's commits too; only its own changes count.
            git.changedFiles(r.branch(), r.stackedOn().orElse(r.baseBranch())).forEach(f -> files.add(f.path()));
            Optional<Path> wt = r.worktree().filter(Files::isDirectory);
            if (wt.isPresent() && git.findWorktree(wt.get()).isPresent()) {
                git.uncommittedChanges(wt.get()).stream().map(ChangedFile::path).forEach(files::add);
                toolTouched.getOrDefault(r.name(), Set.of()).forEach(f -> files.add(relative(wt.get(), f)));
            }
            touched.put(r.name(), files);
        }
        List<Overlap> found = new ArrayList<>();
        List<String> names = live.stream().map(SessionRecord::name).sorted().toList();
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                Set<String> shared = new TreeSet<>(touched.get(names.get(i)));
                shared.retainAll(touched.get(names.get(j)));
                if (!shared.isEmpty()) {
                    found.add(new Overlap(List.of(names.get(i), names.get(j)), List.copyOf(shared)));
                }
            }
        }
        List<Overlap> before = overlaps;
        overlaps = List.copyOf(found);
        touchedFiles = Map.copyOf(touched);
        for (Overlap o : found) {
            boolean isNew = before.stream().noneMatch(b -> b.sessions().equals(o.sessions()) && b.files().containsAll(o.files()));
            if (isNew) {
                history.add(o);
                announce(o);
            }
        }
        holds.apply(found, policy == OverlapPolicy.HOLD);
    }

    private void announce(Overlap o) {
        for (String session : o.sessions()) {
            List<String> others = o.sessions().stream().filter(s -> !s.equals(session)).toList();
            events.publish(new OrchestratorEvent.FilesOverlap(lifecycle.now(), session, others, o.files()));
            lifecycle.note(session, "overlap: " + String.join(", ", others) + " also change(s) " + String.join(", ", o.files()));
            if (policy == OverlapPolicy.TELL) {
                try {
                    tell.accept(session, "Heads-up from the orchestrator: the session(s) " + String.join(", ", others)
                            + " are changing the same file(s) as you: " + String.join(", ", o.files())
                            + ". Keep your changes to them small and focused, so that the merges stay easy.");
                } catch (RuntimeException e) {
                    log.debug("could not tell {} about an overlap: {}", session, e.getMessage());
                }
            }
        }
    }

    private static String relative(Path worktree, String file) {
        Path p = Path.of(file);
        if (p.isAbsolute()) {
            Path real = p.normalize();
            if (real.startsWith(worktree)) {
                return worktree.relativize(real).toString().replace('\\', '/');
            }
        }
        return file.replace('\\', '/');
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
