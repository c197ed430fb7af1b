package dev.agentorchestrator.examples.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A session a person holds, in a real headless Chromium: the badge and the waiting prompt on its card, and the
 * Release and Hold buttons doing what they say against a real orchestrator and real agent processes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardHoldBrowserTest {

    private static final Duration PAGE_WAIT = Duration.ofSeconds(20);

    Path profile;
    @TempDir
    Path tmp;
    ChromeDriver browser;
    DashboardFixture fixture;
    Orchestrator orchestrator;
    Dashboard dashboard;

    @BeforeAll
    void startBrowser() throws IOException {
        Chromium.requireInstalled();
        profile = Files.createTempDirectory("dashboard-hold-chromium-profile");
        browser = Chromium.start(profile);
    }

    @AfterAll
    void stopBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (var paths = Files.walk(profile)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
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
        orchestrator = builder.start();
        dashboard = Dashboard.start(orchestrator, DashboardOptions.defaults());
    }

    private WebDriverWait waiting() {
        // A card rebuilds parts of itself on every update (the diff stat's span, say): look again rather than fail.
        return (WebDriverWait) new WebDriverWait(browser, PAGE_WAIT, Duration.ofMillis(25))
                .ignoring(StaleElementReferenceException.class);
    }

    private void open() {
        browser.get(dashboard.url().toString());
        waiting().withMessage(() -> "the page to be live").until(d -> d.findElement(By.id("connection")).getText().equals("Live"));
    }

    private WebElement card(String session) {
        return browser.findElement(By.cssSelector("#overview article.card[data-session='" + session + "']"));
    }

    private WebElement in(String session, String css) {
        return card(session).findElement(By.cssSelector(css));
    }

    @Test
    void aHeldSessionShowsItsBadgeAndWaitingPromptAndReleaseRunsThePrompt() {
        fixture = new DashboardFixture(tmp);
        start(fixture.builder().feature("solo", "Say hello"));
        DashboardFixture.awaitState(orchestrator, "solo", SessionState.READY_TO_MERGE);
        Path received = orchestrator.session("solo").worktree().orElseThrow().resolve("received.txt");
        open();
        waiting().withMessage(() -> "solo's diff stat").until(d -> in("solo", ".changes .stat").getText().equals("1 file +1 −0"));
        assertFalse(in("solo", ".held-badge").isDisplayed(), "nobody holds it yet");
        assertFalse(in("solo", "button[data-action='release']").isDisplayed());

        // What the command line's attach does while a person works in the agent's own CLI.
        orchestrator.hold("solo", DashboardHoldTest.ATTACHED);
        waiting().withMessage(() -> "the held badge").until(d -> in("solo", ".held-badge").isDisplayed());
        assertEquals("held by a person", in("solo", ".held-badge").getText());
        assertEquals(Session.HANDED_OVER + " " + DashboardHoldTest.ATTACHED, in("solo", ".held-badge").getAttribute("title"));
        assertEquals("Held by a person: " + DashboardHoldTest.ATTACHED, in("solo", ".held-line").getText());
        assertFalse(in("solo", ".message").getText().startsWith("Needs you"), in("solo", ".message").getText());
        assertTrue(in("solo", "button[data-action='release']").isDisplayed());
        assertFalse(in("solo", "button[data-action='hold']").isDisplayed(), "a held session is not held again from here");

        // A prompt typed into the page waits, and the card counts it.
        in("solo", "textarea").sendKeys("Say more");
        in("solo", "button.send").click();
        waiting().until(d -> in("solo", ".result").getText().equals("Sent; it waits until the session is released."));
        waiting().withMessage(() -> "the waiting prompt on the card").until(d -> in("solo", ".held-line").getText()
                .equals("Held by a person: " + DashboardHoldTest.ATTACHED + "\n1 prompt waits for the release"));
        assertEquals(List.of("Say more"), orchestrator.session("solo").pendingPrompts());
        assertEquals("Say hello\n", read(received), "no agent turn while held");
        Chromium.screenshot(browser, "dashboard-held-by-a-person");

        in("solo", "button[data-action='release']").click();
        waiting().until(d -> in("solo", ".result").getText().equals("Released; 1 prompt that waited starts."));
        waiting().withMessage(() -> "the badge gone").until(d -> !in("solo", ".held-badge").isDisplayed());
        assertFalse(in("solo", ".held-line").isDisplayed());
        assertFalse(in("solo", "button[data-action='release']").isDisplayed());
        // The prompt that waited runs: the agent commits it and the card's diff stat follows the branch.
        waiting().withMessage(() -> "the second line on the card's diff stat").until(d -> in("solo", ".changes .stat").getText()
                .equals("1 file +2 −0"));
        Await.until("the agent to write the prompt that waited", DashboardFixture.WAIT,
                () -> read(received).equals("Say hello\nSay more\n"));
        DashboardFixture.awaitState(orchestrator, "solo", SessionState.READY_TO_MERGE);
        waiting().withMessage(() -> "solo ready to merge again").until(d -> "READY_TO_MERGE".equals(card("solo").getAttribute("data-state"))
                && !in("solo", ".meta").getText().contains("waiting"));
        assertEquals(List.of(), orchestrator.session("solo").pendingPrompts());
    }

    @Test
    void theHoldButtonHoldsWithTheTypedReasonAndIsDisabledWhileTheAgentWorks() {
        fixture = new DashboardFixture(tmp);
        start(fixture.builder().feature("solo", "Say hello").feature("busy", "HOLD on"));
        DashboardFixture.awaitState(orchestrator, "solo", SessionState.READY_TO_MERGE);
        DashboardFixture.awaitState(orchestrator, "busy", SessionState.RUNNING);
        open();
        waiting().withMessage(() -> "busy shown running").until(d -> "RUNNING".equals(card("busy").getAttribute("data-state")));
        WebElement busyHold = in("busy", "button[data-action='hold']");
        assertFalse(busyHold.isEnabled(), "an agent at work cannot be held");
        assertTrue(busyHold.getAttribute("title").contains("not working"), busyHold.getAttribute("title"));

        waiting().withMessage(() -> "solo ready").until(d -> "READY_TO_MERGE".equals(card("solo").getAttribute("data-state")));
        in("solo", "textarea").sendKeys("Ana fixes the tests by hand");
        in("solo", "button[data-action='hold']").click();
        waiting().withMessage(() -> "the held line with the typed reason").until(d -> in("solo", ".held-line").isDisplayed()
                && in("solo", ".held-line").getText().equals("Held by a person: Ana fixes the tests by hand"));
        assertEquals(Session.HANDED_OVER + " Ana fixes the tests by hand", orchestrator.session("solo").attention());
        assertEquals("", in("solo", "textarea").getAttribute("value"), "the reason was taken from the box");

        in("solo", "button[data-action='release']").click();
        waiting().withMessage(() -> "the hold ended").until(d -> !in("solo", ".held-badge").isDisplayed());
        assertFalse(orchestrator.session("solo").isHeld());
        fixture.release("busy");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
