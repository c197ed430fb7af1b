package dev.agentorchestrator.examples.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;
import dev.agentorchestrator.testing.Await;

/** One event stream read with the JDK's HTTP client, frame by frame, on a thread of its own. */
final class SseReader implements AutoCloseable {

    /** One server-sent event: its id (null when it had none) and its JSON data. */
    record Frame(String id, JsonNode data) {
    }

    final HttpResponse<Stream<String>> response;
    final List<Frame> frames = new CopyOnWriteArrayList<>();
    private final Thread reader;

    SseReader(TestHttp http, String path, String lastEventId) {
        HttpRequest.Builder request = http.authorized(path).timeout(Duration.ofMinutes(5));
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        try {
            response = http.client.send(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        reader = new Thread(this::read, "test-sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        String id = null;
        StringBuilder data = new StringBuilder();
        try {
            for (String line : (Iterable<String>) response.body()::iterator) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        frames.add(new Frame(id, TestHttp.JSON.readTree(data.toString())));
                    }
                    id = null;
                    data.setLength(0);
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // the stream ended
        }
    }

    /** Waits for a frame matching {@code test} and returns it. */
    Frame await(String what, Predicate<Frame> test) {
        try {
            Await.until(what, DashboardFixture.WAIT, () -> frames.stream().anyMatch(test));
        } catch (AssertionError e) {
            List<Frame> last = frames.subList(Math.max(0, frames.size() - 5), frames.size());
            throw new AssertionError(e.getMessage() + "; " + frames.size() + " frames, the last: " + last, e);
        }
        return frames.stream().filter(test).findFirst().orElseThrow();
    }

    /** The events (not snapshots) received, in order. */
    List<Frame> events() {
        List<Frame> events = new ArrayList<>();
        frames.stream().filter(f -> "event".equals(f.data().path("type").asText())).forEach(events::add);
        return events;
    }

    /** Every frame after a snapshot: the events and the cards re-sent between them, in order. */
    List<Frame> updates() {
        List<Frame> updates = new ArrayList<>();
        frames.stream().filter(f -> f.id() != null && !"snapshot".equals(f.data().path("type").asText())).forEach(updates::add);
        return updates;
    }

    static Predicate<Frame> stateChange(String session, String to) {
        return f -> "event".equals(f.data().path("type").asText())
                && session.equals(f.data().path("event").path("session").asText())
                && to.equals(f.data().path("event").path("to").asText());
    }

    @Override
    public void close() {
        response.body().close();
    }
}
