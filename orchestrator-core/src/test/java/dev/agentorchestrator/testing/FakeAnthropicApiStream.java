package dev.agentorchestrator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.testing.FakeAnthropicApi.Block;
import dev.agentorchestrator.testing.FakeAnthropicApi.Reply;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Writes one scripted {@link Reply} as the Messages API's server-sent events. Text and tool input
 * are split into two deltas each, so the client really has to join partial deltas.
 */
final class FakeAnthropicApiStream {

    private final OutputStream out;
    private final Reply reply;
    private final String model;
    private final IntSupplier ids;
    private final CountDownLatch serverClosed;

    FakeAnthropicApiStream(OutputStream out, Reply reply, String model, IntSupplier ids, CountDownLatch serverClosed) {
        this.out = out;
        this.reply = reply;
        this.model = model;
        this.ids = ids;
        this.serverClosed = serverClosed;
    }

    void write() throws IOException, InterruptedException {
        ObjectNode message = object();
        message.put("id", "msg_fake_" + ids.getAsInt()).put("type", "message").put("role", "assistant")
                .put("model", model).putNull("stop_reason").putNull("stop_sequence");
        message.putArray("content");
        message.putObject("usage").put("input_tokens", 25).put("output_tokens", 1);
        ObjectNode start = object().put("type", "message_start");
        start.set("message", message);
        event("message_start", start);
        if (reply.hang()) {
            // Stay silent but connected, like a model that never answers; the server's close ends it.
            serverClosed.await(10, TimeUnit.MINUTES);
            return;
        }
        int outputTokens = 0;
        for (int index = 0; index < reply.blocks().size(); index++) {
            Block block = reply.blocks().get(index);
            outputTokens += writeBlock(index, block);
        }
        ObjectNode delta = object().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", reply.usesTools() ? "tool_use" : "end_turn").putNull("stop_sequence");
        delta.putObject("usage").put("output_tokens", Math.max(1, outputTokens));
        event("message_delta", delta);
        event("message_stop", object().put("type", "message_stop"));
    }

    private int writeBlock(int index, Block block) throws IOException, InterruptedException {
        ObjectNode content = object().put("type", block.type());
        String payload;
        String deltaType;
        String deltaField;
        if (block.type().equals("text")) {
            content.put("text", "");
            payload = block.text();
            deltaType = "text_delta";
            deltaField = "text";
        } else {
            content.put("id", "toolu_fake_" + ids.getAsInt()).put("name", block.toolName()).putObject("input");
            payload = compact(block.inputJson());
            deltaType = "input_json_delta";
            deltaField = "partial_json";
        }
        ObjectNode start = object().put("type", "content_block_start").put("index", index);
        start.set("content_block", content);
        event("content_block_start", start);
        int half = payload.length() / 2;
        for (String part : new String[] {payload.substring(0, half), payload.substring(half)}) {
            ObjectNode delta = object().put("type", "content_block_delta").put("index", index);
            delta.putObject("delta").put("type", deltaType).put(deltaField, part);
            event("content_block_delta", delta);
        }
        event("content_block_stop", object().put("type", "content_block_stop").put("index", index));
        return Math.max(1, payload.length() / 4);
    }

    private void event(String name, JsonNode data) throws IOException, InterruptedException {
        if (!reply.eventDelay().isZero()) {
            if (serverClosed.await(reply.eventDelay().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("the fake Anthropic API was closed while streaming");
            }
        }
        out.write(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String compact(String json) throws IOException {
        return FakeAnthropicApi.JSON.readTree(json).toString();
    }

    private static ObjectNode object() {
        return FakeAnthropicApi.JSON.createObjectNode();
    }
}
