package dev.agentorchestrator.examples.dashboard;

import static org.junit.jupiter.api.Assertions.*;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The dashboard in a real headless Chromium, against a real orchestrator running real agent processes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {

    private static final Duration PAGE_WAIT = Duration.ofSeconds(20);

    /** The browser's own fresh profile, made for this class and deleted after it (not a field @TempDir: the browser outlives each test). */
    Path profile;
    @TempDir
    Path tmp;
    ChromeDriver browser;
    DashboardFixture fixture;
    Orchestrator orchestrator;
    Dashboard dashboard;
    final List<OrchestratorEvent> published = new CopyOnWriteArrayList<>();

    @BeforeAll
    void startBrowser() {
        Chromium.requireInstalled();
        try {
            profile = Files.createTempDirectory("dashboard-chromium-profile");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        browser = Chromium.start(profile);
    }

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // a leftover temporary folder is harmless
        }
    }

    @AfterEach
    void stop(TestInfo test) {
        if (browser != null) {
            Chromium.screenshot(browser, "dashboard-" + test.getTestMethod().orElseThrow().getName());
            browser.get("about:blank");
        }
        if (dashboard != null) {
            dashboard.close();
        }
        if (orchestrator != null) {
            orchestrator.close();
        }
    }

    private void start(Orchestrator.Builder builder) {
        orchestrator = builder.listener(published::add).start();
        dashboard = Dashboard.start(orchestrator, DashboardOptions.defaults());
    }

    private WebDriverWait waiting(Duration timeout) {
        return new WebDriverWait(browser, timeout, Duration.ofMillis(25));
    }

    private WebElement card(String session) {
        return browser.findElement(By.cssSelector("article.card[data-session='" + session + "']"));
    }

    /** Waits until the session's card on the overview shows this state. */
    private void awaitCard(String session, SessionState state, Duration timeout) {
        waiting(timeout).withMessage(() -> session + " shown as " + state).until(d -> !d.findElements(
                By.cssSelector("#overview article.card[data-session='" + session + "'][data-state='" + state + "']")).isEmpty());
    }

    private void open() {
        browser.get(dashboard.url().toString());
        waiting(PAGE_WAIT).withMessage(() -> "the page to be live").until(
                d -> d.findElement(By.id("connection")).getText().equals("Live"));
    }

    @Test
    void thePageLoadsWithItsTokenAndIsRefusedWithoutIt() {
        fixture = new DashboardFixture(tmp);
        start(fixture.builder());
        browser.get("http://127.0.0.1:" + dashboard.port() + "/");
        assertTrue(browser.findElement(By.tagName("body")).getText().startsWith("Forbidden"), browser.getPageSource());
        browser.get("http://127.0.0.1:" + dashboard.port() + "/?token=" + "x".repeat(43));
        assertTrue(browser.findElement(By.tagName("body")).getText().startsWith("Forbidden"));

        open();
        assertEquals("http://127.0.0.1:" + dashboard.port() + "/", browser.getCurrentUrl(), "the token is gone from the address");
        assertEquals("agent-orchestrator", browser.getTitle());
        assertTrue(browser.findElement(By.id("forecast-body")).getText().contains("No live sessions to forecast"));
        assertTrue(browser.findElement(By.id("merge-queue-body")).getText().contains("Nothing is waiting to merge"));
    }

    @Test
    void itShowsTheSessionsAndAStateChangeAppearsWithoutReload() {
        fixture = new DashboardFixture(tmp);
        start(fixture.builder().feature("asker", "ASK which database").feature("held", "HOLD the line"));
        DashboardFixture.awaitState(orchestrator, "asker", SessionState.WAITING_FOR_INPUT);
        DashboardFixture.awaitState(orchestrator, "held", SessionState.RUNNING);
        open();
        awaitCard("asker", SessionState.WAITING_FOR_INPUT, PAGE_WAIT);
        awaitCard("held", SessionState.RUNNING, PAGE_WAIT);
        WebElement asker = card("asker");
        assertEquals("NEEDS_INPUT", asker.getAttribute("data-group"));
        assertNotNull(browser.findElement(By.cssSelector("#cards-NEEDS_INPUT article[data-session='asker']")));
        assertTrue(asker.findElement(By.cssSelector(".question")).getText().contains("Which database should I use"));
        WebElement held = card("held");
        assertEquals("Edit src/api/handlers.txt", held.findElement(By.cssSelector(".doing")).getText().replace("Now: ", ""));
        assertTrue(held.findElement(By.cssSelector(".progress-text")).getText().startsWith("2/4"));
        assertTrue(browser.getTitle().startsWith("(1) need you"), browser.getTitle());
        assertTrue(browser.findElement(By.id("favicon")).getAttribute("href").endsWith("favicon-alert.svg"));
        WebElement merge = held.findElement(By.cssSelector("button[data-action='merge']"));
        assertFalse(merge.isEnabled());
        assertTrue(merge.getAttribute("title").contains("ready to merge"), merge.getAttribute("title"));

        ((JavascriptExecutor) browser).executeScript("window.stillTheSamePage = true;");
        fixture.release("held");
        Await.until("the engine to publish held's turn end", DashboardFixture.WAIT, () -> published.stream()
                .anyMatch(e -> e instanceof OrchestratorEvent.StateChanged s && s.session().equals("held") && s.to() == SessionState.IDLE));
        awaitCard("held", SessionState.IDLE, Duration.ofSeconds(1));
        assertEquals(Boolean.TRUE, ((JavascriptExecutor) browser).executeScript("return window.stillTheSamePage === true;"),
                "the page was not reloaded");
    }

    @Test
    void aPromptTypedIntoThePageReachesTheAgent() throws Exception {
        fixture = new DashboardFixture(tmp);
        start(fixture.builder().feature("asker", "ASK which database"));
        DashboardFixture.awaitState(orchestrator, "asker", SessionState.WAITING_FOR_INPUT);
        open();
        awaitCard("asker", SessionState.WAITING_FOR_INPUT, PAGE_WAIT);
        WebElement asker = card("asker");
        asker.findElement(By.cssSelector("textarea")).sendKeys("Use SQLite, it is enough");
        asker.findElement(By.cssSelector("button.send")).click();
        waiting(PAGE_WAIT).until(d -> card("asker").findElement(By.cssSelector(".result")).getText().equals("Sent."));

        Path received = orchestrator.session("asker").worktree().orElseThrow().resolve("received.txt");
        Await.until("the agent to write what it was told", DashboardFixture.WAIT,
                () -> Files.exists(received) && readQuietly(received).contains("Use SQLite, it is enough"));
        awaitCard("asker", SessionState.READY_TO_MERGE, PAGE_WAIT);
        assertEquals("", card("asker").findElement(By.cssSelector("textarea")).getAttribute("value"), "the box is emptied");
        assertEquals("agent-orchestrator", browser.getTitle(), "nothing needs attention any more");
    }

    @Test
    void theRunCiButtonRunsCiAndTheMatrixShowsAConflictInRed() {
        fixture = new DashboardFixture(tmp);
        // Both agents commit their own received.txt: the forecast sees an add/add conflict.
        start(fixture.builder().feature("left", "Say left").feature("right", "Say right"));
        DashboardFixture.awaitState(orchestrator, "left", SessionState.READY_TO_MERGE);
        DashboardFixture.awaitState(orchestrator, "right", SessionState.READY_TO_MERGE);
        open();
        awaitCard("left", SessionState.READY_TO_MERGE, PAGE_WAIT);
        long before = ciRuns("left");
        WebElement runCi = card("left").findElement(By.cssSelector("button[data-action='ci']"));
        assertTrue(runCi.isEnabled(), runCi.getAttribute("title"));
        runCi.click();
        waiting(PAGE_WAIT).until(d -> card("left").findElement(By.cssSelector(".result")).getText().startsWith("CI asked for"));
        Await.until("a second CI run on left", DashboardFixture.WAIT, () -> ciRuns("left") == before + 1);
        awaitCard("left", SessionState.READY_TO_MERGE, PAGE_WAIT);

        waiting(PAGE_WAIT).withMessage(() -> "a red cell naming received.txt").until(d -> d.findElements(
                By.cssSelector("#forecast-body td.conflict")).stream().anyMatch(td -> td.getText().contains("received.txt")));
        // The Merge button merges; the other side of the conflict is then refused, and the page says why.
        WebElement merge = card("left").findElement(By.cssSelector("button[data-action='merge']"));
        assertTrue(merge.isEnabled(), merge.getAttribute("title"));
        merge.click();
        awaitCard("left", SessionState.MERGED, PAGE_WAIT);
        assertEquals(SessionState.MERGED, orchestrator.session("left").state());
        // With left in main, right's branch conflicts with its base: it moves to the Conflict column, naming the file.
        waiting(PAGE_WAIT).withMessage(() -> "right under Conflict").until(d -> !d.findElements(
                By.cssSelector("#cards-CONFLICT article.card[data-session='right']")).isEmpty());
        assertEquals("Would conflict: with main in received.txt", card("right").findElement(By.cssSelector(".conflict-line")).getText());
        waiting(PAGE_WAIT).withMessage(() -> "the merge queue without left").until(d -> !d.findElement(By.id("merge-queue-body"))
                .getText().contains("left"));
        card("right").findElement(By.cssSelector("button[data-action='merge']")).click();
        waiting(PAGE_WAIT).withMessage(() -> "the refusal shown on right's card").until(d -> card("right")
                .findElement(By.cssSelector(".result")).getText().contains("CONFLICT"));
        waiting(PAGE_WAIT).withMessage(() -> "the card to say the merge was refused").until(d -> card("right")
                .findElement(By.cssSelector(".conflict-line")).getText().equals("Merge refused: with main in received.txt"));
        assertEquals(SessionState.READY_TO_MERGE, orchestrator.session("right").state());
        assertTrue(browser.getTitle().startsWith("(1) need you"), browser.getTitle());
    }

    @Test
    void mergeWithTheChosenStrategyMergesAndMovesTheBaseInTheRepository() {
        fixture = new DashboardFixture(tmp);
        start(fixture.builder().feature("solo", "Say hello"));
        DashboardFixture.awaitState(orchestrator, "solo", SessionState.READY_TO_MERGE);
        String before = TestRepos.git(fixture.repo, "rev-parse", "main").trim();
        open();
        awaitCard("solo", SessionState.READY_TO_MERGE, PAGE_WAIT);
        waiting(PAGE_WAIT).withMessage(() -> "the diff stat on the card").until(d -> card("solo")
                .findElement(By.cssSelector(".changes .stat")).getText().equals("1 file +1 −0"));

        Select strategy = new Select(card("solo").findElement(By.cssSelector("select.strategy")));
        assertEquals(List.of("merge commit", "squash", "fast-forward", "rebase"),
                strategy.getOptions().stream().map(WebElement::getText).toList());
        strategy.selectByValue("squash");
        card("solo").findElement(By.cssSelector("button[data-action='merge']")).click();
        awaitCard("solo", SessionState.MERGED, PAGE_WAIT);
        waiting(PAGE_WAIT).until(d -> card("solo").findElement(By.cssSelector(".result")).getText().startsWith("merged into main"));

        String after = TestRepos.git(fixture.repo, "rev-parse", "main").trim();
        assertNotEquals(before, after, "the base moved");
        assertEquals(before, TestRepos.git(fixture.repo, "rev-parse", "main^").trim(), "one commit on top of the old base");
        assertEquals(1, TestRepos.git(fixture.repo, "rev-list", "--parents", "-n", "1", "main").trim().split(" ").length - 1,
                "a squash: one parent, not a merge commit");
        assertEquals("Say hello\n", TestRepos.git(fixture.repo, "show", "main:received.txt"));
        assertEquals("1 file +1 −0", card("solo").findElement(By.cssSelector(".changes .stat")).getText(),
                "a merged card keeps what it brought in");
        assertFalse(card("solo").findElement(By.cssSelector("select.strategy")).isEnabled());
    }

    private long ciRuns(String session) {
        return published.stream().filter(e -> e instanceof OrchestratorEvent.CiFinished c && c.session().equals(session)).count();
    }

    @Test
    void anActionThatFailsShowsItsErrorAndStopAndRemoveWork() {
        fixture = new DashboardFixture(tmp);
        start(fixture.builder().feature("held", "HOLD on").feature("done", "Finish quickly"));
        DashboardFixture.awaitState(orchestrator, "held", SessionState.RUNNING);
        DashboardFixture.awaitState(orchestrator, "done", SessionState.READY_TO_MERGE);
        open();
        awaitCard("held", SessionState.RUNNING, PAGE_WAIT);
        card("held").findElement(By.cssSelector("button[data-action='stop']")).click();
        awaitCard("held", SessionState.STOPPED, PAGE_WAIT);
        waiting(PAGE_WAIT).until(d -> card("held").findElement(By.cssSelector(".result")).getText().equals("Stopped."));

        // A prompt with nothing in it is refused by the page; an empty resume gets the default prompt.
        card("held").findElement(By.cssSelector("button.send")).click();
        assertEquals("Type a prompt first.", card("held").findElement(By.cssSelector(".result")).getText());

        WebElement remove = card("done").findElement(By.cssSelector("button[data-action='remove']"));
        remove.click();
        assertEquals("Confirm remove", remove.getText());
        remove.click();
        waiting(PAGE_WAIT).withMessage(() -> "the removed card to go").until(
                d -> d.findElements(By.cssSelector("#overview article.card[data-session='done']")).isEmpty());
        assertTrue(orchestrator.findSession("done").isEmpty());
        assertFalse(dev.agentorchestrator.testing.TestRepos.git(fixture.repo, "branch", "--list", "feature/done").isBlank(),
                "the page's remove keeps the branch");

        // Uncommitted work in the worktree: removing without force is refused, and the page says why.
        Path worktree = orchestrator.session("held").worktree().orElseThrow();
        writeQuietly(worktree.resolve("scratch.txt"), "not committed");
        WebElement removeHeld = card("held").findElement(By.cssSelector("button[data-action='remove']"));
        removeHeld.click();
        removeHeld.click();
        waiting(PAGE_WAIT).until(d -> card("held").findElement(By.cssSelector(".result.error")).getText().length() > 0);
        assertTrue(orchestrator.findSession("held").isPresent());
    }

    @Test
    void aDashboardRestartedOnTheSamePortIsReconnectedTo() {
        fixture = new DashboardFixture(tmp);
        start(fixture.builder().feature("first", "Do the first thing"));
        DashboardFixture.awaitState(orchestrator, "first", SessionState.READY_TO_MERGE);
        open();
        awaitCard("first", SessionState.READY_TO_MERGE, PAGE_WAIT);
        int port = dashboard.port();
        String token = dashboard.token();

        dashboard.close();
        waiting(PAGE_WAIT).withMessage(() -> "the page to say it is disconnected").until(
                d -> d.findElement(By.id("connection")).getText().equals("Disconnected, reconnecting…"));
        assertTrue(browser.getTitle().startsWith("disconnected"), browser.getTitle());
        Chromium.screenshot(browser, "dashboard-disconnected");

        orchestrator.addFeature("second", "Do the second thing");
        DashboardFixture.awaitState(orchestrator, "second", SessionState.READY_TO_MERGE);
        dashboard = Dashboard.start(orchestrator, DashboardOptions.defaults().withPort(port).withToken(token));
        waiting(PAGE_WAIT).withMessage(() -> "the page to be live again").until(
                d -> d.findElement(By.id("connection")).getText().equals("Live"));
        awaitCard("second", SessionState.READY_TO_MERGE, PAGE_WAIT);
        awaitCard("first", SessionState.READY_TO_MERGE, PAGE_WAIT);
    }

    @Test
    void theSessionPageShowsTheLiveTranscriptAndTheDiff() {
        fixture = new DashboardFixture(tmp);
        start(fixture.builder().feature("held", "HOLD and write"));
        DashboardFixture.awaitState(orchestrator, "held", SessionState.RUNNING);
        open();
        awaitCard("held", SessionState.RUNNING, PAGE_WAIT);
        card("held").findElement(By.cssSelector("a.name")).click();
        waiting(PAGE_WAIT).until(d -> d.findElement(By.id("transcript")).getText().contains("TOOL Edit src/api/handlers.txt"));
        assertFalse(browser.findElement(By.id("detail")).getAttribute("hidden") != null);
        fixture.release("held");
        waiting(PAGE_WAIT).withMessage(() -> "the transcript to follow the end of the turn").until(
                d -> d.findElement(By.id("transcript")).getText().contains("RUNNING -> IDLE"));
        assertTrue(browser.findElement(By.id("diff-stat")).getText().contains("main...feature/held"));
        browser.findElement(By.id("back")).click();
        waiting(PAGE_WAIT).until(d -> d.findElement(By.id("overview")).isDisplayed());
    }

    @Test
    void severalSessionsInDifferentStates() throws Exception {
        fixture = new DashboardFixture(tmp);
        start(fixture.builder(Ci.command("bash", "-c", "if git grep -q BROKEN; then"
                        + " echo 'FAILED CheckoutPageTest.totalIncludesTax'; echo 'Tests run: 14, Failures: 1'; exit 1; fi;"
                        + " echo 'Tests run: 14, Failures: 0'")).reactions());
        // No reactions: checkout-ui is to stay IDLE with red CI (the CI_RED column), not be sent the failure.
        // Added after the dashboard started, so that it saw every agent event (what each agent did last).
        // pricing and discounts both change src/pricing.txt: once pricing is merged, discounts conflicts with main.
        fixture.writesTo("auth-api", "src/auth/jwt.txt");
        fixture.writesTo("checkout-ui", "src/checkout/page.txt");
        fixture.writesTo("pricing", "src/pricing.txt");
        fixture.writesTo("discounts", "src/pricing.txt");
        orchestrator.addFeature("auth-api", "Implement JWT login with refresh tokens");
        orchestrator.addFeature("pricing", "Move the price rules to one table");
        orchestrator.addFeature("discounts", "Add discount codes at checkout");
        orchestrator.addFeature("search-index", "HOLD Build the product search index");
        orchestrator.addFeature("payments", "ASK Add Stripe payments");
        orchestrator.addFeature("db-migration", "FAIL Migrate the orders table");
        orchestrator.addFeature("checkout-ui", "BROKEN Rework the checkout page");
        orchestrator.addFeature("audit-log", "HOLD Add an audit log of admin actions");
        DashboardFixture.awaitState(orchestrator, "audit-log", SessionState.RUNNING);
        Await.until("checkout-ui's CI to fail", DashboardFixture.WAIT, () -> orchestrator.session("checkout-ui").lastCi()
                .map(ci -> !ci.status().isGreen()).orElse(false));
        orchestrator.stop("audit-log");
        DashboardFixture.awaitState(orchestrator, "pricing", SessionState.READY_TO_MERGE);
        DashboardFixture.awaitState(orchestrator, "discounts", SessionState.READY_TO_MERGE);
        assertTrue(orchestrator.merge(dev.agentorchestrator.MergeRequest.of("pricing")
                .withStrategy(dev.agentorchestrator.MergeStrategy.SQUASH)).merged());
        for (var expected : List.of(
                new Object[] {"auth-api", SessionState.READY_TO_MERGE}, new Object[] {"search-index", SessionState.RUNNING},
                new Object[] {"payments", SessionState.WAITING_FOR_INPUT}, new Object[] {"db-migration", SessionState.FAILED},
                new Object[] {"checkout-ui", SessionState.IDLE}, new Object[] {"audit-log", SessionState.STOPPED},
                new Object[] {"pricing", SessionState.MERGED}, new Object[] {"discounts", SessionState.READY_TO_MERGE})) {
            DashboardFixture.awaitState(orchestrator, (String) expected[0], (SessionState) expected[1]);
        }
        assertFalse(orchestrator.session("checkout-ui").lastCi().orElseThrow().status().isGreen());
        open();
        awaitCard("checkout-ui", SessionState.IDLE, PAGE_WAIT);
        assertEquals("CI_RED", card("checkout-ui").getAttribute("data-group"));
        waiting(PAGE_WAIT).withMessage(() -> "discounts under Conflict").until(d -> !d.findElements(
                By.cssSelector("#cards-CONFLICT article.card[data-session='discounts']")).isEmpty());
        assertEquals("Would conflict: with main in src/pricing.txt", card("discounts").findElement(By.cssSelector(".conflict-line")).getText());
        waiting(PAGE_WAIT).withMessage(() -> "auth-api's diff stat").until(d -> card("auth-api")
                .findElement(By.cssSelector(".changes .stat")).getText().equals("1 file +1 −0"));
        assertTrue(browser.getTitle().startsWith("(4) need you"), browser.getTitle());

        // Twice: the window's new size can reflow the page (a scroll bar gone), and the full page is wanted.
        for (int i = 0; i < 2; i++) {
            long height = (Long) ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollHeight;");
            browser.manage().window().setSize(new Dimension(1440, (int) Math.max(1000, height + 40)));
        }
        Path shot = Chromium.screenshot(browser, "dashboard-overview");
        String docs = System.getProperty("dashboard.docs.screenshot");
        if (docs != null) {
            Files.copy(shot, Path.of(docs), StandardCopyOption.REPLACE_EXISTING);
        }
        browser.manage().window().setSize(new Dimension(1440, 1000));
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static void writeQuietly(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
