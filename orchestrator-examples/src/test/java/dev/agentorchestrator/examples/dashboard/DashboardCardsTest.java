package dev.agentorchestrator.examples.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.testing.TestRepos;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * What a card knows beyond the session's record, pushed on the live stream: the diff stat against the
 * base (recounted when the branch moves), the Conflict group with its paths, the merge strategy, the
 * merge queue kept current.
 */
class DashboardCardsTest extends DashboardOnAnOrchestrator {

    @Test
    void aCardCountsTheFilesAndLinesItsBranchChangesAndRecountsThemWhenTheBranchMoves() {
        fixture = new DashboardFixture(tmp);
        start(fixture.builder().feature("writer", "Say hello"));
        DashboardFixture.awaitState(orchestrator, "writer", SessionState.READY_TO_MERGE);
        try (SseReader page = new SseReader(http, "/dashboard/events", null)) {
            JsonNode first = card(page, "writer", c -> c.path("changes").path("linesAdded").asInt(-1) == 1);
            assertEquals(1, first.path("changes").path("filesChanged").asInt());
            assertEquals(0, first.path("changes").path("linesRemoved").asInt());
            assertEquals(numstat("writer"), List.of(1, 0), "what git itself counts");

            orchestrator.prompt("writer", "Say more");
            JsonNode moved = card(page, "writer", c -> c.path("changes").path("linesAdded").asInt(-1) == 2);
            assertEquals(1, moved.path("changes").path("filesChanged").asInt());
            assertEquals(numstat("writer"), List.of(2, 0));
        }
        JsonNode state = TestHttp.json(http.get("/dashboard/state"));
        assertEquals(2, session(state, "writer").path("changes").path("linesAdded").asInt(), "a new page gets the count too");
    }

    @Test
    void aSessionWhoseMergeWouldConflictWithItsBaseIsUnderConflictWithThePathsAndARefusedMergeSaysSo() {
        fixture = new DashboardFixture(tmp);
        // Both agents commit their own received.txt: once one is merged, the other conflicts with the base.
        start(fixture.builder().feature("left", "Say left").feature("right", "Say right"));
        DashboardFixture.awaitState(orchestrator, "left", SessionState.READY_TO_MERGE);
        DashboardFixture.awaitState(orchestrator, "right", SessionState.READY_TO_MERGE);
        try (SseReader page = new SseReader(http, "/dashboard/events", null)) {
            JsonNode ready = card(page, "right", c -> c.path("changes").path("conflictsWith").size() == 1);
            assertEquals("READY", ready.path("group").asText(), "a conflict with another session is not one with the base");
            assertEquals("left", ready.path("changes").path("conflictsWith").get(0).path("session").asText());
            assertTrue(ready.path("conflict").isNull());

            HttpResponse<String> merged = http.action("merge", "{\"session\":\"left\",\"strategy\":\"squash\"}");
            assertEquals(200, merged.statusCode(), merged.body());
            assertEquals("MERGED", TestHttp.json(merged).path("outcome").asText());

            JsonNode conflicted = card(page, "right", c -> "CONFLICT".equals(c.path("group").asText()));
            assertEquals(List.of("received.txt"), texts(conflicted.path("conflict").path("paths")));
            assertEquals("main", conflicted.path("conflict").path("base").asText());
            assertTrue(conflicted.path("conflict").path("forecast").asBoolean());
            assertFalse(conflicted.path("conflict").path("mergeRefused").asBoolean());
            assertTrue(conflicted.path("needsAttention").asBoolean());
            assertEquals("READY_TO_MERGE", conflicted.path("state").asText());
            page.await("the merge queue without left", f -> f.data().has("mergeQueue")
                    && f.data().path("mergeQueue").path("entries").size() == 1
                    && f.data().path("mergeQueue").path("entries").get(0).path("session").asText().equals("right"));

            HttpResponse<String> refused = http.action("merge", "{\"session\":\"right\"}");
            assertEquals(409, refused.statusCode(), refused.body());
            assertTrue(TestHttp.json(refused).path("error").asText().startsWith("CONFLICT"), refused.body());
            JsonNode refusedCard = card(page, "right", c -> c.path("conflict").path("mergeRefused").asBoolean());
            assertEquals("CONFLICT", refusedCard.path("group").asText());
            assertEquals(List.of("received.txt"), texts(refusedCard.path("conflict").path("paths")));
            page.await("the refusal in the feed", f -> f.data().path("event").path("text").asText()
                    .equals("merge into main refused, conflicts in received.txt"));
        }
        assertEquals(SessionState.READY_TO_MERGE, orchestrator.session("right").state());
    }

    @Test
    void anUnknownMergeStrategyIsRefusedAndNothingMoves() {
        fixture = new DashboardFixture(tmp);
        start(fixture.builder().feature("solo", "Say hello"));
        DashboardFixture.awaitState(orchestrator, "solo", SessionState.READY_TO_MERGE);
        String before = TestRepos.git(fixture.repo, "rev-parse", "main").trim();
        HttpResponse<String> response = http.action("merge", "{\"session\":\"solo\",\"strategy\":\"octopus\"}");
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(TestHttp.json(response).path("error").asText().contains("use merge, squash, ff-only or rebase"), response.body());
        assertEquals(before, TestRepos.git(fixture.repo, "rev-parse", "main").trim());
        assertEquals(SessionState.READY_TO_MERGE, orchestrator.session("solo").state());
    }

    @Test
    void mergeAllMergesTheQueueInOrderAndSaysWhatItDid() {
        fixture = new DashboardFixture(tmp);
        fixture.writesTo("first", "src/first.txt");
        fixture.writesTo("second", "src/second.txt");
        start(fixture.builder().feature("first", "Say first").feature("second", "Say second"));
        DashboardFixture.awaitState(orchestrator, "first", SessionState.READY_TO_MERGE);
        DashboardFixture.awaitState(orchestrator, "second", SessionState.READY_TO_MERGE);
        HttpResponse<String> response = http.action("merge-all", "{}");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode json = TestHttp.json(response);
        assertEquals("Merged 2 of 2.", json.path("message").asText());
        List<String> order = new ArrayList<>();
        json.path("results").forEach(r -> order.add(r.path("session").asText() + " " + r.path("outcome").asText()));
        assertEquals(List.of("first MERGED", "second MERGED"), order);
        assertEquals(SessionState.MERGED, orchestrator.session("first").state());
        assertEquals(SessionState.MERGED, orchestrator.session("second").state());
        assertEquals("Say first\n", TestRepos.git(fixture.repo, "show", "main:src/first.txt"));
        assertEquals("Say second\n", TestRepos.git(fixture.repo, "show", "main:src/second.txt"));

        HttpResponse<String> again = http.action("merge-all", "{}");
        assertEquals("Nothing was ready to merge.", TestHttp.json(again).path("message").asText(), again.body());
    }

    /** Waits for a card of the session matching {@code test} in any frame (an event's, its others', re-sent cards). */
    static JsonNode card(SseReader page, String session, Predicate<JsonNode> test) {
        JsonNode[] found = new JsonNode[1];
        page.await(session + "'s card", f -> {
            List<JsonNode> cards = new ArrayList<>();
            cards.add(f.data().path("session"));
            f.data().path("others").forEach(cards::add);
            f.data().path("sessions").forEach(cards::add);
            for (JsonNode c : cards) {
                if (session.equals(c.path("name").asText()) && test.test(c)) {
                    found[0] = c;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static JsonNode session(JsonNode state, String name) {
        for (JsonNode s : state.path("sessions")) {
            if (s.path("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no session " + name + " in " + state);
    }

    /** Lines added and removed on the branch since its merge base with main, as git counts them. */
    private List<Integer> numstat(String session) {
        int added = 0;
        int removed = 0;
        for (String line : TestRepos.git(fixture.repo, "diff", "--numstat", "main...feature/" + session).split("\n")) {
            if (!line.isBlank()) {
                String[] fields = line.split("\t");
                added += Integer.parseInt(fields[0]);
                removed += Integer.parseInt(fields[1]);
            }
        }
        return List.of(added, removed);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
