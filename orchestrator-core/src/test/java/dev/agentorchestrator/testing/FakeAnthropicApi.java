package dev.agentorchestrator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted stand-in for the Anthropic Messages API on loopback, so that the real Claude Code CLI
 * can be tested without a network or a key: point it here with {@code ANTHROPIC_BASE_URL} and a
 * dummy {@code ANTHROPIC_API_KEY}.
 *
 * <pre>{@code
 * try (FakeAnthropicApi api = FakeAnthropicApi.start()) {
 *     api.enqueue(Reply.toolUse("Write", "{\"file_path\":\"a.txt\",\"content\":\"hi\"}"));
 *     api.enqueue(Reply.text("Wrote a.txt."));
 *     // run claude with ANTHROPIC_BASE_URL=api.baseUrl()
 *     assertEquals(2, api.conversationRequests().size());
 * }
 * }</pre>
 *
 * <p>Every scripted {@link Reply} answers one <em>conversation</em> call: a
 * {@code POST /v1/messages} that offers tools, which is how the CLI's agent loop calls the model.
 * Side calls are answered without touching the script, so that they cannot eat a test's replies:
 * a message call without tools (titles, summaries, quota checks) gets a short text, {@code count_tokens}
 * gets a token estimate, and any other request (the CLI's {@code HEAD /api/hello} reachability
 * check) gets an empty 200. When the script runs dry, a conversation call gets a plain
 * "no scripted reply left" text, so a run ends instead of hanging; tests can check
 * {@link #unscriptedCalls()}.
 *
 * <p>Replies stream as the Messages API's server-sent events ({@code message_start},
 * {@code content_block_start}, {@code content_block_delta} with {@code text_delta} or
 * {@code input_json_delta}, {@code content_block_stop}, {@code message_delta} with the stop reason
 * and usage, {@code message_stop}).
 */
public final class FakeAnthropicApi implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final Deque<Reply> script = new ArrayDeque<>();
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final AtomicInteger unscripted = new AtomicInteger();
    private final AtomicInteger ids = new AtomicInteger();
    /** Released on close, so that a hanging reply lets its handler thread go. */
    private final CountDownLatch closed = new CountDownLatch(1);

    private FakeAnthropicApi(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts a server on 127.0.0.1 on a free port. */
    public static FakeAnthropicApi start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            // A hanging reply holds its thread, so the pool must grow rather than queue.
            ExecutorService executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "fake-anthropic-api");
                t.setDaemon(true);
                return t;
            });
            FakeAnthropicApi api = new FakeAnthropicApi(server, executor);
            server.createContext("/", api::handle);
            server.setExecutor(executor);
            server.start();
            return api;
        } catch (IOException e) {
            throw new UncheckedIOException("could not open a loopback port for the fake Anthropic API", e);
        }
    }

    /** The value for {@code ANTHROPIC_BASE_URL}, such as {@code http://127.0.0.1:41234}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Environment for a Claude Code process that must talk to this server and nothing else. */
    public Map<String, String> environment() {
        return Map.of(
                "ANTHROPIC_BASE_URL", baseUrl(),
                "ANTHROPIC_API_KEY", "dummy-key-for-tests",
                "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1",
                // Without this the CLI retries a 5xx for minutes; the error tests want the failure at once.
                "CLAUDE_CODE_MAX_RETRIES", "0");
    }

    /** Adds replies to the end of the script; each answers one conversation call, in order. */
    public FakeAnthropicApi enqueue(Reply... replies) {
        synchronized (script) {
            script.addAll(List.of(replies));
        }
        return this;
    }

    /** Scripted replies not yet used. */
    public int remainingReplies() {
        synchronized (script) {
            return script.size();
        }
    }

    /** Conversation calls that found the script empty. */
    public int unscriptedCalls() {
        return unscripted.get();
    }

    /** Every request received, in order. */
    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The conversation calls received, in order: the bodies the scripted replies answered. */
    public List<RecordedRequest> conversationRequests() {
        return requests().stream().filter(RecordedRequest::isConversation).toList();
    }

    /** Stops the server and ends any reply still streaming. Safe to call twice. */
    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            RecordedRequest request = RecordedRequest.of(exchange.getRequestMethod(),
                    exchange.getRequestURI().toString(), new String(body, StandardCharsets.UTF_8));
            synchronized (requests) {
                requests.add(request);
            }
            if (!request.method().equals("POST")) {
                exchange.sendResponseHeaders(200, -1);
            } else if (request.path().endsWith("/v1/messages/count_tokens")) {
                int estimate = Math.max(1, request.rawBody().length() / 4);
                sendJson(exchange, 200, "{\"input_tokens\":" + estimate + "}");
            } else if (request.path().endsWith("/v1/messages")) {
                Reply reply = request.isConversation() ? nextReply() : Reply.text("OK");
                respond(exchange, request, reply);
            } else {
                sendJson(exchange, 404, errorBody("not_found_error", "the fake Anthropic API has no " + request.path()));
            }
        } catch (IOException e) {
            // The CLI hung up (it was stopped, or gave up): nothing to answer any more.
        }
    }

    private Reply nextReply() {
        synchronized (script) {
            Reply next = script.poll();
            if (next != null) {
                return next;
            }
        }
        unscripted.incrementAndGet();
        return Reply.text("(the fake Anthropic API has no scripted reply left)");
    }

    private void respond(HttpExchange exchange, RecordedRequest request, Reply reply) throws IOException {
        if (reply.errorStatus() != 0) {
            sendJson(exchange, reply.errorStatus(), errorBody(reply.errorType(), reply.errorMessage()));
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        String model = request.body().path("model").asText("claude-fake");
        try (OutputStream out = exchange.getResponseBody()) {
            new FakeAnthropicApiStream(out, reply, model, ids::incrementAndGet, closed).write();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String errorBody(String type, String message) {
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        error.put("type", "error");
        error.putObject("error").put("type", type).put("message", message);
        return error.toString();
    }

    /**
     * One request the server received.
     *
     * @param method  HTTP method
     * @param path    path and query, such as {@code /v1/messages?beta=true}
     * @param rawBody the body as sent
     * @param body    the body parsed as JSON, an empty object when it was not JSON
     */
    public record RecordedRequest(String method, String path, String rawBody, JsonNode body) {

        static RecordedRequest of(String method, String uri, String rawBody) {
            JsonNode body;
            try {
                body = rawBody.isBlank() ? JSON.createObjectNode() : JSON.readTree(rawBody);
            } catch (IOException e) {
                body = JSON.createObjectNode();
            }
            int query = uri.indexOf('?');
            return new RecordedRequest(method, query < 0 ? uri : uri.substring(0, query), rawBody, body);
        }

        /** True for a call of the agent's own loop: a message request that offers tools. */
        public boolean isConversation() {
            return method.equals("POST") && path.endsWith("/v1/messages")
                    && body.path("tools").isArray() && !body.path("tools").isEmpty();
        }

        /** The model asked for. */
        public String model() {
            return body.path("model").asText("");
        }

        /** Every text the request's messages and system prompt hold, joined by newlines, for "was it sent" checks. */
        public String allText() {
            StringBuilder text = new StringBuilder();
            collectText(body.path("system"), text);
            collectText(body.path("messages"), text);
            return text.toString();
        }

        /** Names of the tools the request offers. */
        public List<String> toolNames() {
            List<String> names = new ArrayList<>();
            body.path("tools").forEach(t -> names.add(t.path("name").asText()));
            return names;
        }

        private static void collectText(JsonNode node, StringBuilder out) {
            if (node.isTextual()) {
                out.append(node.asText()).append('\n');
            } else if (node.isContainerNode()) {
                // Tool inputs are objects too: include their values, so "the earlier Write call was
                // sent again" can be checked by its file name.
                node.forEach(child -> collectText(child, out));
            }
        }
    }

    /**
     * One scripted answer to a conversation call: content blocks streamed as a message, or an
     * HTTP error.
     */
    public record Reply(List<Block> blocks, int errorStatus, String errorType, String errorMessage,
                        Duration eventDelay, boolean hang) {

        public Reply {
            blocks = List.copyOf(blocks);
            if (errorStatus == 0 && blocks.isEmpty()) {
                throw new IllegalArgumentException("a reply needs at least one block, or an error status");
            }
        }

        /** A text answer that ends the turn. */
        public static Reply text(String text) {
            return blocks(Block.text(text));
        }

        /** A single tool call; the CLI runs it and calls again with the result. */
        public static Reply toolUse(String tool, String inputJson) {
            return blocks(Block.toolUse(tool, inputJson));
        }

        /** Several blocks in one message, such as some text and then tool calls. */
        public static Reply blocks(Block... blocks) {
            return new Reply(List.of(blocks), 0, "", "", Duration.ZERO, false);
        }

        /**
         * An HTTP error with the API's JSON error body; 529 is reported as {@code overloaded_error},
         * 429 as {@code rate_limit_error}, anything else as {@code api_error}.
         */
        public static Reply error(int status, String message) {
            String type = switch (status) {
                case 529 -> "overloaded_error";
                case 429 -> "rate_limit_error";
                case 400 -> "invalid_request_error";
                case 401 -> "authentication_error";
                default -> "api_error";
            };
            return new Reply(List.of(), status, type, message, Duration.ZERO, false);
        }

        /** Starts the message and then sends nothing more until the server closes: a model that hangs. */
        public static Reply hanging() {
            return new Reply(List.of(Block.text("(never sent)")), 0, "", "", Duration.ZERO, true);
        }

        /** The same reply with a pause before each event, to see a slow stream arrive piece by piece. */
        public Reply slowly(Duration delayPerEvent) {
            return new Reply(blocks, errorStatus, errorType, errorMessage, delayPerEvent, hang);
        }

        /** True when the reply asks the CLI to run tools (stop reason {@code tool_use}). */
        boolean usesTools() {
            return blocks.stream().anyMatch(b -> b.type().equals("tool_use"));
        }
    }

    /** One content block of a scripted reply. */
    public record Block(String type, String text, String toolName, String inputJson) {

        public Block {
            if (!type.equals("text") && !type.equals("tool_use")) {
                throw new IllegalArgumentException("block type must be text or tool_use, not " + type);
            }
        }

        public static Block text(String text) {
            return new Block("text", text, "", "");
        }

        /**
         * A tool call; {@code inputJson} must be a JSON object.
         *
         * @throws IllegalArgumentException when it is not
         */
        public static Block toolUse(String tool, String inputJson) {
            try {
                if (!JSON.readTree(inputJson).isObject()) {
                    throw new IllegalArgumentException("tool input for " + tool + " must be a JSON object: " + inputJson);
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("tool input for " + tool + " is not JSON: " + inputJson, e);
            }
            return new Block("tool_use", "", tool, inputJson);
        }
    }
}
