package dev.agentorchestrator.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentorchestrator.testing.FakeAnthropicApi.Block;
import dev.agentorchestrator.testing.FakeAnthropicApi.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fixture itself, over plain HTTP: what it streams, what it records, what it leaves in the script. */
class FakeAnthropicApiTest {

    private static final String CONVERSATION = "{\"model\":\"m\",\"stream\":true,\"tools\":[{\"name\":\"Write\"}],"
            + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hello\"}]}]}";

    private final FakeAnthropicApi api = FakeAnthropicApi.start();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        api.close();
    }

    @Test
    void streamsTextAndToolCallsAsServerSentEvents() throws Exception {
        api.enqueue(Reply.blocks(Block.text("Writing it."), Block.toolUse("Write", "{\"file_path\": \"a.txt\", \"content\": \"x\"}")));

        HttpResponse<String> response = post("/v1/messages?beta=true", CONVERSATION);

        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElse(""));
        List<JsonNode> events = parseEvents(response.body());
        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_delta",
                "content_block_stop", "content_block_start", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop"), events.stream().map(e -> e.path("type").asText()).toList());
        assertEquals("Writing it.", events.get(2).path("delta").path("text").asText() + events.get(3).path("delta").path("text").asText());
        assertEquals("Write", events.get(5).path("content_block").path("name").asText());
        String input = events.get(6).path("delta").path("partial_json").asText() + events.get(7).path("delta").path("partial_json").asText();
        assertEquals("{\"file_path\":\"a.txt\",\"content\":\"x\"}", input);
        assertEquals("tool_use", events.get(9).path("delta").path("stop_reason").asText());
    }

    @Test
    void sideCallsDoNotUseTheScript() throws Exception {
        api.enqueue(Reply.text("for the conversation"));

        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(api.baseUrl() + "/api/hello"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        assertTrue(post("/v1/messages/count_tokens?beta=true", CONVERSATION).body().contains("input_tokens"));
        assertEquals("OK", streamedText(post("/v1/messages", "{\"model\":\"haiku\",\"stream\":true,\"messages\":[]}").body()));
        assertEquals(1, api.remainingReplies());

        assertEquals("for the conversation", streamedText(post("/v1/messages", CONVERSATION).body()));
        assertEquals(0, api.remainingReplies());
        assertTrue(streamedText(post("/v1/messages", CONVERSATION).body()).contains("no scripted reply left"));
        assertEquals(1, api.unscriptedCalls());
        assertEquals(5, api.requests().size());
        assertEquals(2, api.conversationRequests().size());
        assertTrue(api.conversationRequests().get(0).allText().contains("hello"));
    }

    @Test
    void errorRepliesCarryTheApisErrorBody() throws Exception {
        api.enqueue(Reply.error(529, "Overloaded"));

        HttpResponse<String> response = post("/v1/messages", CONVERSATION);

        assertEquals(529, response.statusCode());
        JsonNode body = FakeAnthropicApi.JSON.readTree(response.body());
        assertEquals("overloaded_error", body.path("error").path("type").asText());
        assertEquals("Overloaded", body.path("error").path("message").asText());
    }

    @Test
    void slowRepliesArriveOverTimeAndHangingOnesEndOnClose() throws Exception {
        api.enqueue(Reply.text("slow").slowly(Duration.ofMillis(30)), Reply.hanging());

        long start = System.nanoTime();
        post("/v1/messages", CONVERSATION);
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(7 * 30), "seven events, each after a pause");

        CompletableFuture<HttpResponse<String>> hanging = http.sendAsync(request("/v1/messages", CONVERSATION),
                HttpResponse.BodyHandlers.ofString());
        assertThrows(java.util.concurrent.TimeoutException.class, () -> hanging.get(300, TimeUnit.MILLISECONDS));
        api.close();
        try {
            hanging.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException closedByServer) {
            // either an ended stream or a reset connection: what matters is that it ended
        }
    }

    @Test
    void toolInputMustBeAJsonObject() {
        assertThrows(IllegalArgumentException.class, () -> Block.toolUse("Write", "[1]"));
        assertThrows(IllegalArgumentException.class, () -> Block.toolUse("Write", "{not json"));
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(request(path, body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String path, String body) {
        return HttpRequest.newBuilder(URI.create(api.baseUrl() + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** The text deltas of a stream, joined. */
    private static String streamedText(String sse) throws Exception {
        StringBuilder text = new StringBuilder();
        for (JsonNode event : parseEvents(sse)) {
            text.append(event.path("delta").path("text").asText(""));
        }
        return text.toString();
    }

    private static List<JsonNode> parseEvents(String sse) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (String chunk : sse.split("\n\n")) {
            String name = "";
            for (String line : chunk.split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    JsonNode data = FakeAnthropicApi.JSON.readTree(line.substring(6));
                    assertEquals(name, data.path("type").asText(), "event name matches its data's type");
                    events.add(data);
                }
            }
        }
        return events;
    }
}
