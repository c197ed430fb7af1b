package dev.agentorchestrator.examples.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A session a person holds ({@link Orchestrator#hold}, the command line's {@code attach}) on the card, and the
 * {@code hold} and {@code release} actions over HTTP: guarded like every action, prompts that waited run after
 * the release, and a release of a session nobody holds is refused with the reason.
 */
class DashboardHoldTest extends DashboardOnAnOrchestrator {

    static final String ATTACHED = "attached at a terminal by pid 4242 since 10:00:00; release it if that terminal is gone";


    @Test
    void aHeldSessionsCardSaysSoAndReleaseRunsThePromptThatWaited() {
        fixture = new DashboardFixture(tmp);
        start(fixture.builder().feature("solo", "Say hello"));
        DashboardFixture.awaitState(orchestrator, "solo", SessionState.READY_TO_MERGE);
        Path received = orchestrator.session("solo").worktree().orElseThrow().resolve("received.txt");
        orchestrator.hold("solo", ATTACHED);

        try (SseReader page = new SseReader(http, "/dashboard/events", null)) {
            JsonNode held = DashboardCardsTest.card(page, "solo", c -> c.path("handedOver").asBoolean());
            assertEquals(Session.HANDED_OVER + " " + ATTACHED, held.path("attention").asText());
            assertTrue(held.path("held").asBoolean());
            assertEquals(0, held.path("pendingPrompts").asInt());
            page.await("the hold in the feed", f -> {
                for (JsonNode e : f.data().path("recent")) {
                    if (e.path("text").asText().equals("held by a person: " + ATTACHED)) {
                        return true;
                    }
                }
                return false;
            });

            HttpResponse<String> sent = http.action("prompt", "{\"session\":\"solo\",\"text\":\"Say more\"}");
            assertEquals(200, sent.statusCode(), sent.body());
            assertEquals("Sent; it waits until the session is released.", TestHttp.json(sent).path("message").asText());
            JsonNode waiting = DashboardCardsTest.card(page, "solo", c -> c.path("pendingPrompts").asInt() == 1);
            assertTrue(waiting.path("handedOver").asBoolean(), "a prompt does not release a person's hold");

            // Guarded like every other action: no CSRF header, no release.
            HttpResponse<String> forged = http.send(http.authorized("/dashboard/actions/release")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"session\":\"solo\"}")));
            assertEquals(403, forged.statusCode(), forged.body());
            assertEquals(403, http.send(http.request("/dashboard/actions/release").header(AccessGuard.CSRF_HEADER, http.csrf())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"session\":\"solo\"}"))).statusCode(), "no token");
            assertTrue(orchestrator.session("solo").isHandedOver(), "refused requests change nothing");
            assertEquals("Say hello\n", read(received), "no agent turn while held");

            HttpResponse<String> released = http.action("release", "{\"session\":\"solo\"}");
            assertEquals(200, released.statusCode(), released.body());
            JsonNode json = TestHttp.json(released);
            assertEquals("Released; 1 prompt that waited starts.", json.path("message").asText());
            assertFalse(json.path("sessionState").path("handedOver").asBoolean(), released.body());

            DashboardCardsTest.card(page, "solo", c -> !c.path("handedOver").asBoolean() && c.path("pendingPrompts").asInt() == 0
                    && c.path("changes").path("linesAdded").asInt(-1) == 2);
        }
        Await.until("the prompt that waited to run", DashboardFixture.WAIT, () -> read(received).equals("Say hello\nSay more\n"));
        DashboardFixture.awaitState(orchestrator, "solo", SessionState.READY_TO_MERGE);
        assertEquals("", orchestrator.session("solo").attention());

        HttpResponse<String> again = http.action("release", "{\"session\":\"solo\"}");
        assertEquals(409, again.statusCode(), again.body());
        assertEquals("Session 'solo' is not held by a person; there is nothing to release.",
                TestHttp.json(again).path("error").asText());
        assertEquals(404, http.action("release", "{\"session\":\"nobody\"}").statusCode());
        assertEquals(400, http.action("release", "{}").statusCode());
    }

    @Test
    void theHoldActionHoldsASettledSessionWithTheReasonTypedAndRefusesARunningOne() {
        fixture = new DashboardFixture(tmp);
        start(fixture.builder().feature("solo", "Say hello").feature("busy", "HOLD on"));
        DashboardFixture.awaitState(orchestrator, "solo", SessionState.READY_TO_MERGE);
        DashboardFixture.awaitState(orchestrator, "busy", SessionState.RUNNING);

        HttpResponse<String> held = http.action("hold", "{\"session\":\"solo\",\"text\":\"Ana fixes the tests by hand\"}");
        assertEquals(200, held.statusCode(), held.body());
        assertEquals(Session.HANDED_OVER + " Ana fixes the tests by hand", orchestrator.session("solo").attention());
        assertTrue(TestHttp.json(held).path("sessionState").path("handedOver").asBoolean(), held.body());

        HttpResponse<String> untyped = http.action("hold", "{\"session\":\"solo\"}");
        assertEquals(200, untyped.statusCode(), untyped.body());
        assertEquals(Session.HANDED_OVER + " " + Actions.HOLD_REASON, orchestrator.session("solo").attention(),
                "an empty box gets a reason that says how to end the hold");

        HttpResponse<String> running = http.action("hold", "{\"session\":\"busy\"}");
        assertEquals(409, running.statusCode(), running.body());
        assertTrue(TestHttp.json(running).path("error").asText().contains("stop it or wait for its turn to end"), running.body());
        assertEquals("", orchestrator.session("busy").attention(), "nothing changed");
        fixture.release("busy");

        assertEquals(200, http.action("release", "{\"session\":\"solo\"}").statusCode());
        assertFalse(orchestrator.session("solo").isHeld());
        assertEquals(List.of(), orchestrator.session("solo").pendingPrompts());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
