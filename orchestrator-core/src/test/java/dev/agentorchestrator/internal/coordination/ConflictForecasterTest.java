package dev.agentorchestrator.internal.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.ForecastMatrix;
import dev.agentorchestrator.ForecastMatrix.Cell;
import dev.agentorchestrator.ForecastMatrix.Outcome;
import dev.agentorchestrator.git.GitCliBackend;
import dev.agentorchestrator.internal.coordination.ConflictForecaster.Entry;
import dev.agentorchestrator.internal.coordination.ConflictForecaster.Update;
import dev.agentorchestrator.spi.GitRepository;
import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The forecast on a real repository: outcomes, the cache by commit pair, selective recomputation, the listener. */
class ConflictForecasterTest {

    @TempDir
    Path temp;

    private Path repo;
    private GitRepository repository;
    private ExecutorService executor;
    private final List<Update> updates = new CopyOnWriteArrayList<>();
    private final List<String> listenerThreads = new CopyOnWriteArrayList<>();
    private ConflictForecaster forecaster;

    /** auth and billing both edit the README (a conflict); ui edits its own file. */
    private static final List<Entry> ENTRIES = List.of(new Entry("auth", "feature/auth", "main"),
            new Entry("billing", "feature/billing", "main"), new Entry("ui", "feature/ui", "main"));

    @BeforeEach
    void setUp() {
        repo = TestRepos.withFiles(temp.resolve("repo"), Map.of("README.md", "hello\n", "ui.txt", "ui\n"));
        branch("feature/auth", Map.of("README.md", "hello from auth\n"));
        branch("feature/billing", Map.of("README.md", "hello from billing\n"));
        branch("feature/ui", Map.of("ui.txt", "new ui\n"));
        repository = new GitCliBackend().open(repo);
        executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "forecast-test-executor"));
        forecaster = new ConflictForecaster(repository, executor, update -> {
            updates.add(update);
            listenerThreads.add(Thread.currentThread().getName());
        });
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
        repository.close();
    }

    private void branch(String name, Map<String, String> files) {
        TestRepos.git(repo, "checkout", "-q", "-B", name, "main");
        TestRepos.commitFiles(repo, files, "edit on " + name);
        TestRepos.git(repo, "checkout", "-q", "main");
    }

    private void commitOn(String branch, Map<String, String> files) {
        TestRepos.git(repo, "checkout", "-q", branch);
        TestRepos.commitFiles(repo, files, "more on " + branch);
        TestRepos.git(repo, "checkout", "-q", "main");
    }

    @Test
    void aColdRefreshComputesEveryPairAndEveryBranchAgainstItsBase() {
        ForecastMatrix m = forecaster.refresh(ENTRIES);
        assertEquals(List.of("auth", "billing", "ui"), m.names());
        assertEquals(Cell.conflict("auth", "billing", List.of("README.md")), m.pair("billing", "auth").orElseThrow());
        assertEquals(Outcome.CLEAN, m.pair("auth", "ui").orElseThrow().outcome());
        assertEquals(Outcome.CLEAN, m.pair("billing", "ui").orElseThrow().outcome());
        for (String name : m.names()) {
            assertEquals(Cell.clean(name, "main"), m.againstBase(name).orElseThrow());
        }
        assertEquals(TestRepos.git(repo, "rev-parse", "feature/ui").strip(), m.heads().get("ui"));
        assertEquals(0, forecaster.cacheHits());
        assertEquals(6, forecaster.cacheMisses(), "3 pairs and 3 bases");
        assertEquals(6, forecaster.cacheSize());
        assertEquals(1, updates.size());
        assertEquals(6, updates.get(0).changed().size(), "every cell is new");
        assertTrue(m.toTable().contains("CONFLICT(1)") && m.toTable().contains("auth x billing: README.md"),
                m.toTable());
    }

    @Test
    void aRefreshWithNothingMovedIsAllCacheHitsAndTellsNobody() {
        forecaster.refresh(ENTRIES);
        ForecastMatrix again = forecaster.refresh(ENTRIES);
        assertEquals(6, forecaster.cacheHits());
        assertEquals(6, forecaster.cacheMisses());
        assertEquals(1, updates.size(), "no cell changed, so no second update");
        assertEquals(again, forecaster.latest());
    }

    @Test
    void aMovedBranchRecomputesOnlyThePairsItIsIn() {
        forecaster.refresh(ENTRIES);
        commitOn("feature/ui", Map.of("README.md", "hello from ui\n"));
        ForecastMatrix m = forecaster.refresh(ENTRIES);
        assertEquals(6 + 3, forecaster.cacheMisses(), "ui x auth, ui x billing, ui into main");
        assertEquals(3, forecaster.cacheHits(), "auth x billing, auth into main, billing into main");
        assertEquals(List.of("README.md"), m.pair("auth", "ui").orElseThrow().conflictingPaths());
        assertEquals(List.of(Cell.conflict("auth", "ui", List.of("README.md")),
                Cell.conflict("billing", "ui", List.of("README.md"))), updates.get(1).changed());
        assertEquals(6, forecaster.cacheSize(), "the entries of ui's old commit are dropped");
    }

    @Test
    void aMovedBaseRecomputesOnlyTheBaseCells() {
        forecaster.refresh(ENTRIES);
        TestRepos.commitFiles(repo, Map.of("ui.txt", "main changed ui too\n"), "main moves");
        ForecastMatrix m = forecaster.refresh(ENTRIES);
        assertEquals(6 + 3, forecaster.cacheMisses());
        assertEquals(3, forecaster.cacheHits());
        assertEquals(Cell.conflict("ui", "main", List.of("ui.txt")), m.againstBase("ui").orElseThrow());
        assertEquals(List.of(Cell.conflict("ui", "main", List.of("ui.txt"))), updates.get(1).changed());
    }

    @Test
    void twoBranchesAtTheSameCommitsShareCacheEntries() {
        TestRepos.git(repo, "branch", "feature/auth-copy", "feature/auth");
        forecaster.refresh(List.of(new Entry("auth", "feature/auth", "main"),
                new Entry("copy", "feature/auth-copy", "main"), new Entry("billing", "feature/billing", "main")));
        // auth x copy, auth x billing, copy x billing (= auth x billing), auth/main, copy/main (= auth/main), billing/main
        assertEquals(4, forecaster.cacheMisses());
        assertEquals(2, forecaster.cacheHits());
    }

    @Test
    void aBranchThatDoesNotResolveIsUnknownAndRetriedEachTime() {
        List<Entry> entries = List.of(ENTRIES.get(0), new Entry("ghost", "feature/ghost", "main"));
        ForecastMatrix m = forecaster.refresh(entries);
        Cell ghost = m.pair("auth", "ghost").orElseThrow();
        assertEquals(Outcome.UNKNOWN, ghost.outcome());
        assertTrue(ghost.reason().orElseThrow().contains("feature/ghost"), ghost.toString());
        assertEquals(Outcome.UNKNOWN, m.againstBase("ghost").orElseThrow().outcome());
        assertTrue(!m.heads().containsKey("ghost"));
        long misses = forecaster.cacheMisses();
        forecaster.refresh(entries);
        assertEquals(misses + 2, forecaster.cacheMisses(), "unknown cells are not cached");
        assertTrue(m.toTable().contains("unknown"), m.toTable());
    }

    @Test
    void refreshAsyncRunsOnTheExecutorNeverOnTheCallersThread() throws Exception {
        ForecastMatrix m = forecaster.refreshAsync(ENTRIES).get(60, TimeUnit.SECONDS);
        assertEquals(Outcome.CONFLICT, m.pair("auth", "billing").orElseThrow().outcome());
        assertEquals(List.of("forecast-test-executor"), listenerThreads);
        assertNotEquals(Thread.currentThread().getName(), listenerThreads.get(0));
    }

    @Test
    void aThrowingListenerDoesNotBreakTheForecast() {
        ConflictForecaster throwing = new ConflictForecaster(repository, executor, u -> {
            throw new IllegalStateException("listener bug");
        });
        assertEquals(Outcome.CONFLICT, throwing.refresh(ENTRIES).pair("auth", "billing").orElseThrow().outcome());
        assertEquals(Outcome.CONFLICT, throwing.latest().pair("auth", "billing").orElseThrow().outcome());
    }

    @Test
    void twoEntriesWithOneNameAreRefused() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> forecaster.refresh(List.of(ENTRIES.get(0), new Entry("auth", "feature/ui", "main"))));
        assertTrue(e.getMessage().contains("'auth'"), e.getMessage());
        assertEquals(ForecastMatrix.empty(), forecaster.latest());
    }

    @Test
    void droppingAnEntryShrinksTheCache() {
        forecaster.refresh(ENTRIES);
        forecaster.refresh(ENTRIES.subList(0, 2));
        assertEquals(3, forecaster.cacheSize(), "auth x billing and both against main");
    }
}
