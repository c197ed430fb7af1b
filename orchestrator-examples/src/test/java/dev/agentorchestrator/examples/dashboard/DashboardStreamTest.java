package dev.agentorchestrator.examples.dashboard;

import static org.junit.jupiter.api.Assertions.*;

import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.testing.Await;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live event stream: ids, replay after a reconnect, many pages, and a page that never reads. */
class DashboardStreamTest {

    @TempDir
    Path tmp;
    DashboardFixture fixture;
    Orchestrator orchestrator;
    Dashboard dashboard;
    TestHttp http;

    private void start(DashboardOptions options) {
        fixture = new DashboardFixture(tmp);
        orchestrator = fixture.builder().start();
        dashboard = Dashboard.start(orchestrator, options);
        http = new TestHttp(dashboard);
    }

    @AfterEach
    void stop() {
        if (dashboard != null) {
            dashboard.close();
        }
        if (orchestrator != null) {
            orchestrator.close();
        }
    }

    @Test
    void aStreamStartsWithASnapshotAndThenEachEventWithAGrowingIdAndTheSessionAsItIsNow() {
        start(DashboardOptions.defaults());
        try (SseReader page = new SseReader(http, "/dashboard/events", null)) {
            SseReader.Frame snapshot = page.await("the snapshot", f -> "snapshot".equals(f.data().path("type").asText()));
            assertEquals(0, snapshot.data().path("sessions").size());
            assertTrue(snapshot.data().path("forecast").path("available").asBoolean(), "the forecast is wired");
            assertEquals(0, snapshot.data().path("forecast").path("sessions").size());
            assertTrue(snapshot.data().path("mergeQueue").path("available").asBoolean(false));
            assertTrue(snapshot.data().path("capabilities").path("merge").asBoolean(false));

            orchestrator.addFeature("auth-api", "Implement login");
            SseReader.Frame ready = page.await("auth-api ready", SseReader.stateChange("auth-api", "READY_TO_MERGE"));
            assertEquals("READY", ready.data().path("session").path("group").asText());
            assertEquals(1.0, ready.data().path("session").path("progress").path("fraction").asDouble());
            assertEquals("Write", ready.data().path("session").path("doing").path("tool").asText(), "the last tool call");

            List<SseReader.Frame> events = page.events();
            String epoch = snapshot.id().substring(0, snapshot.id().indexOf('-'));
            long previous = Long.parseLong(snapshot.id().substring(epoch.length() + 1));
            for (SseReader.Frame e : page.updates()) {
                assertTrue(e.id().startsWith(epoch + "-"), e.id());
                long n = Long.parseLong(e.id().substring(epoch.length() + 1));
                assertEquals(previous + 1, n, "ids grow by one");
                previous = n;
            }
            List<String> states = events.stream().filter(e -> "StateChanged".equals(e.data().path("event").path("kind").asText()))
                    .map(e -> e.data().path("event").path("to").asText()).toList();
            assertEquals(List.of("CREATING_WORKTREE", "RUNNING", "IDLE", "TESTING", "READY_TO_MERGE"), states,
                    "one session's events arrive in order");
        }
    }

    @Test
    void aPageThatReconnectsWithLastEventIdGetsExactlyWhatItMissed() {
        start(DashboardOptions.defaults());
        String lastSeen;
        List<String> seenBefore = new ArrayList<>();
        try (SseReader page = new SseReader(http, "/dashboard/events", null)) {
            orchestrator.addFeature("first", "Do the first thing");
            page.await("first ready", SseReader.stateChange("first", "READY_TO_MERGE"));
            page.events().forEach(e -> seenBefore.add(e.id()));
            lastSeen = page.events().get(page.events().size() - 1).id();
        }

        List<OrchestratorEvent> published = new CopyOnWriteArrayList<>();
        orchestrator.events().subscribe(published::add);
        orchestrator.addFeature("second", "Do the second thing");
        DashboardFixture.awaitState(orchestrator, "second", SessionState.READY_TO_MERGE);
        Await.until("the listener saw second ready", DashboardFixture.WAIT, () -> published.stream().anyMatch(
                e -> e instanceof OrchestratorEvent.StateChanged s && s.to() == SessionState.READY_TO_MERGE));

        try (SseReader again = new SseReader(http, "/dashboard/events", lastSeen)) {
            again.await("second ready, replayed", SseReader.stateChange("second", "READY_TO_MERGE"));
            assertTrue(again.frames.stream().noneMatch(f -> "snapshot".equals(f.data().path("type").asText())),
                    "a replay, not a snapshot");
            // Compared for "second" up to its READY_TO_MERGE: the engine may still publish about "first" (its
            // forecast, its record) after the page left, before this listener subscribed, and the replay rightly has those too.
            List<String> replayed = new ArrayList<>();
            for (SseReader.Frame e : again.events()) {
                com.fasterxml.jackson.databind.JsonNode event = e.data().path("event");
                if (event.path("session").asText().equals("second")) {
                    replayed.add(event.path("kind").asText());
                    if (event.path("to").asText().equals("READY_TO_MERGE")) {
                        break;
                    }
                }
            }
            List<String> missed = new ArrayList<>();
            for (OrchestratorEvent e : published) {
                if (e.session().equals("second")) {
                    missed.add(e.getClass().getSimpleName());
                    if (e instanceof OrchestratorEvent.StateChanged c && c.to() == SessionState.READY_TO_MERGE) {
                        break;
                    }
                }
            }
            assertEquals(missed, replayed, "every event missed, in order");
            assertTrue(again.events().stream().noneMatch(e -> seenBefore.contains(e.id())));
        }
    }

    @Test
    void aPageWhoseLastEventIdIsNoLongerKeptOrFromAnotherRunGetsASnapshotFirst() {
        start(DashboardOptions.defaults().withReplayEvents(2));
        String old;
        try (SseReader page = new SseReader(http, "/dashboard/events", null)) {
            orchestrator.addFeature("one", "Do one thing");
            page.await("one ready", SseReader.stateChange("one", "READY_TO_MERGE"));
            old = page.events().get(0).id();
        }
        for (String lastEventId : List.of(old, "someotherrun-3", "garbage")) {
            try (SseReader again = new SseReader(http, "/dashboard/events", lastEventId)) {
                SseReader.Frame first = again.await("a snapshot", f -> true);
                assertEquals("snapshot", first.data().path("type").asText(), lastEventId);
                assertEquals("READY_TO_MERGE", first.data().path("sessions").get(0).path("state").asText());
            }
        }
    }

    @Test
    void aHundredConnectedPagesAllSeeAStateChange() {
        start(DashboardOptions.defaults());
        List<SseReader> pages = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                pages.add(new SseReader(http, "/dashboard/events", null));
            }
            Await.until("100 pages connected", DashboardFixture.WAIT, () -> dashboard.connectedPages() == 100);
            orchestrator.addFeature("shared", "Something everyone watches");
            for (SseReader page : pages) {
                page.await("shared ready on every page", SseReader.stateChange("shared", "READY_TO_MERGE"));
            }
        } finally {
            pages.forEach(SseReader::close);
        }
    }

    @Test
    void aPageThatNeverReadsIsDroppedAndHoldsUpNeitherOtherPagesNorTheEngine() throws Exception {
        start(DashboardOptions.defaults().withStallTimeout(java.time.Duration.ofSeconds(1)));
        try (Socket stuck = new Socket(); SseReader reader = new SseReader(http, "/dashboard/events", null)) {
            stuck.setReceiveBufferSize(4096);
            stuck.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), dashboard.port()));
            OutputStream out = stuck.getOutputStream();
            out.write(("GET /dashboard/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + dashboard.token()
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = stuck.getInputStream();
            assertEquals('H', in.read(), "the stuck page's stream was answered; it reads nothing more from here on");
            Await.until("two pages connected", DashboardFixture.WAIT, () -> dashboard.connectedPages() == 2);

            List<OrchestratorEvent> engineListener = new CopyOnWriteArrayList<>();
            orchestrator.events().subscribe(engineListener::add);
            // Over 10 MB of events: far more than the stuck page's socket buffers hold.
            orchestrator.addFeature("chatty", "SPAM 3000");
            reader.await("chatty done on the page that reads", SseReader.stateChange("chatty", "IDLE"));
            assertEquals(3000, reader.events().stream().filter(e -> e.data().path("event").path("text").asText().startsWith("line "))
                    .count(), "the page that reads got every line");
            Await.until("the engine's other listener saw the end", DashboardFixture.WAIT, () -> engineListener.stream()
                    .anyMatch(e -> e instanceof OrchestratorEvent.StateChanged s && s.to() == SessionState.IDLE));
            Await.until("the stuck page dropped", DashboardFixture.WAIT, () -> dashboard.connectedPages() == 1);
        }
    }

    @Test
    void theTranscriptStreamStartsWithTheLastLinesAndFollowsNewOnes() {
        start(DashboardOptions.defaults());
        orchestrator.addFeature("talker", "HOLD while I watch");
        DashboardFixture.awaitState(orchestrator, "talker", SessionState.RUNNING);
        try (SseReader transcript = new SseReader(http, "/dashboard/transcript/stream?session=talker&lines=50", null)) {
            SseReader.Frame first = transcript.await("the first page", f -> "page".equals(f.data().path("type").asText()));
            assertTrue(first.data().path("lines").toString().contains("added; prompt: HOLD while I watch"), first.data().toString());
            fixture.release("talker");
            transcript.await("the end of the turn, followed",
                    f -> f.data().path("lines").toString().contains("RUNNING -> IDLE"));
        }
        var page = TestHttp.json(http.get("/dashboard/transcript?session=talker&lines=2"));
        assertEquals(2, page.path("lines").size());
        var older = TestHttp.json(http.get("/dashboard/transcript?session=talker&lines=1000&before=" + page.path("start").asLong()));
        assertEquals(0, older.path("start").asLong(), "paging back reaches the start");
        assertTrue(older.path("lines").get(0).asText().contains("added; prompt"), older.toString());
        var diff = TestHttp.json(http.get("/dashboard/diff?session=talker"));
        assertTrue(diff.path("available").asBoolean(), diff.toString());
    }
}
