package dev.agentorchestrator.examples.cli.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.agentorchestrator.AwaitTimeoutException;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.DependencyMode;
import dev.agentorchestrator.EventSubscription;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.IllegalStateTransitionException;
import dev.agentorchestrator.InvalidFeatureNameException;
import dev.agentorchestrator.MergeResult;
import dev.agentorchestrator.MergeStrategy;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.RepositoryDrift;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.UnknownSessionException;
import dev.agentorchestrator.examples.cli.CoordinationView;
import dev.agentorchestrator.examples.cli.SessionView;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's control API: JSON over HTTP under {@code /api/}, each request authenticated by
 * {@code Authorization: Bearer <token>} (401 when missing, 403 when wrong). Routes:
 *
 * <pre>
 * GET    /api/status                      engine info, every session, the overlaps and the forecast
 * GET    /api/forecast                    the conflict forecast
 * GET    /api/sessions/{name}             one session
 * POST   /api/features                    {"features":[{"name","prompt","agent","dependsOn":[..],"dependencyMode","baseBranch"}]}
 * POST   /api/sessions/{name}/prompt      {"prompt": "..."}
 * POST   /api/sessions/{name}/stop
 * POST   /api/sessions/{name}/await       {"timeoutSeconds": N}: answers once the session settles
 * POST   /api/sessions/{name}/merge       merge now ({"strategy": "merge|squash|ff-only|rebase"}): the MergeResult
 * POST   /api/merge-queue                 the merge queue ({"features": [...]}, empty for every ready one): results
 * POST   /api/sessions/{name}/ci          runs CI now (409 unless IDLE or READY_TO_MERGE)
 * GET    /api/sessions/{name}/drift       {"drift": {kind, description, fix, found, repairable} or null}: looks now
 * POST   /api/sessions/{name}/repair      {"repaired": the drift found (or null), "session": ...}; 409 when not repairable
 * DELETE /api/sessions/{name}?keepBranch=true&amp;force=true
 * POST   /api/shutdown
 * GET    /api/events                      server-sent events, one JSON object per event
 * </pre>
 *
 * Session names are URL-encoded in paths ({@code ui%2Fdashboard}). Errors are
 * {@code {"error": "...", "kind": "..."}} with 400, 404, 409, 501, 504 or 500.
 */
final class ControlApi implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(ControlApi.class);
    private static final String PREFIX = "/api/";

    private final EngineCommands engine;
    private final byte[] token;
    private final EngineActivity activity;
    private final ObjectNode engineInfo;
    private final Runnable shutdown;

    ControlApi(EngineCommands engine, String token, EngineActivity activity, ObjectNode engineInfo, Runnable shutdown) {
        this.engine = engine;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.activity = activity;
        this.engineInfo = engineInfo;
        this.shutdown = shutdown;
    }

    @Override
    public void handle(HttpExchange x) throws IOException {
        try {
            String auth = x.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.startsWith("Bearer ")) {
                send(x, 401, error("this API needs 'Authorization: Bearer <token>'; the token is in the engine folder's 'token' file",
                        "unauthorized"));
                return;
            }
            // Constant time, so the answer's timing says nothing about how much of a guess was right.
            if (!MessageDigest.isEqual(token, auth.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8))) {
                send(x, 403, error("wrong token; read it again from the engine folder's 'token' file (the engine makes a new one"
                        + " each time it starts)", "forbidden"));
                return;
            }
            activity.requestSeen();
            route(x);
        } catch (RuntimeException e) {
            log.warn("request {} {} failed", x.getRequestMethod(), x.getRequestURI(), e);
            send(x, 500, error(e.toString(), "failure"));
        } finally {
            x.close();
        }
    }

    private void route(HttpExchange x) throws IOException {
        String method = x.getRequestMethod();
        String path = x.getRequestURI().getRawPath().substring(PREFIX.length());
        String[] parts = path.split("/", -1);
        try {
            if (path.equals("status") && method.equals("GET")) {
                ObjectNode out = SessionView.JSON.createObjectNode();
                out.set("engine", engineInfo);
                out.set("sessions", SessionView.toJson(engine.sessions()));
                out.set("overlaps", CoordinationView.overlapsToJson(engine.overlaps()));
                out.set("forecast", CoordinationView.forecastToJson(engine.forecast()));
                send(x, 200, out);
            } else if (path.equals("forecast") && method.equals("GET")) {
                send(x, 200, CoordinationView.forecastToJson(engine.forecast()));
            } else if (path.equals("merge-queue") && method.equals("POST")) {
                List<String> names = new ArrayList<>();
                readBody(x).path("features").forEach(f -> names.add(f.asText()));
                ObjectNode out = SessionView.JSON.createObjectNode();
                var results = out.putArray("results");
                engine.mergeQueue(names).forEach(r -> results.add(mergeJson(r)));
                send(x, 200, out);
            } else if (path.equals("features") && method.equals("POST")) {
                send(x, 201, created(readBody(x)));
            } else if (path.equals("shutdown") && method.equals("POST")) {
                send(x, 202, message("the engine is stopping"));
                shutdown.run();
            } else if (path.equals("events") && method.equals("GET")) {
                streamEvents(x);
            } else if (parts.length >= 2 && parts[0].equals("sessions") && !parts[1].isEmpty() && parts.length <= 3) {
                session(x, method, URLDecoder.decode(parts[1], StandardCharsets.UTF_8), parts.length == 3 ? parts[2] : "");
            } else {
                send(x, 404, error("no route " + method + " /api/" + path + "; see docs/cli.md for the control API", "no-route"));
            }
        } catch (UnknownSessionException e) {
            send(x, 404, error(e.getMessage(), "not-found"));
        } catch (InvalidFeatureNameException | ConfigurationException | IllegalArgumentException e) {
            send(x, 400, error(e.getMessage(), "invalid"));
        } catch (IllegalStateTransitionException | GitException e) {
            send(x, 409, error(e.getMessage(), "conflict"));
        } catch (AwaitTimeoutException e) {
            send(x, 504, error(e.getMessage(), "timeout"));
        }
    }

    private void session(HttpExchange x, String method, String name, String action) throws IOException {
        switch (method + " " + action) {
            case "GET " -> send(x, 200, SessionView.toJson(engine.session(name)));
            case "DELETE " -> {
                String query = Optional.ofNullable(x.getRequestURI().getRawQuery()).orElse("");
                engine.remove(name, query.contains("keepBranch=true"), query.contains("force=true"));
                send(x, 200, message("removed " + name));
            }
            case "POST prompt" -> {
                String prompt = readBody(x).path("prompt").asText("");
                if (prompt.isBlank()) {
                    throw new IllegalArgumentException("the prompt is empty; say what the agent should do");
                }
                send(x, 200, SessionView.toJson(engine.prompt(name, prompt)));
            }
            case "POST stop" -> send(x, 200, SessionView.toJson(engine.stop(name)));
            case "POST await" -> {
                long seconds = readBody(x).path("timeoutSeconds").asLong(3600);
                send(x, 200, SessionView.toJson(engine.await(name, Duration.ofSeconds(Math.max(1, seconds)))));
            }
            case "POST ci" -> send(x, 200, SessionView.toJson(engine.runCi(name)));
            case "POST hold" -> {
                JsonNode body = readBody(x);
                Optional<Long> pid = body.path("pid").canConvertToLong() ? Optional.of(body.path("pid").asLong()) : Optional.empty();
                send(x, 200, SessionView.toJson(engine.hold(name, body.path("why").asText(""), pid)));
            }
            case "POST release" -> send(x, 200, SessionView.toJson(engine.release(name)));
            case "GET drift" -> {
                ObjectNode out = SessionView.JSON.createObjectNode();
                out.set("drift", driftJson(engine.drift(name)));
                send(x, 200, out);
            }
            case "POST repair" -> {
                // What differed is taken first, so the answer says what the repair did (the library returns the session only).
                Optional<RepositoryDrift> before = engine.drift(name);
                Session after = engine.repair(name);
                ObjectNode out = SessionView.JSON.createObjectNode();
                out.set("repaired", driftJson(before));
                out.set("session", SessionView.toJson(after));
                send(x, 200, out);
            }
            case "POST merge" -> {
                Optional<MergeStrategy> strategy = text(readBody(x), "strategy").map(dev.agentorchestrator.examples.cli.MergeStrategies::parse);
                send(x, 200, mergeJson(engine.merge(name, strategy)));
            }
            default -> send(x, 404, error("no route " + method + " for a session" + (action.isEmpty() ? "" : " /" + action), "no-route"));
        }
    }

    static JsonNode driftJson(Optional<RepositoryDrift> drift) {
        if (drift.isEmpty()) {
            return SessionView.JSON.nullNode();
        }
        RepositoryDrift d = drift.get();
        ObjectNode n = SessionView.JSON.createObjectNode();
        n.put("kind", d.kind().name());
        n.put("description", d.description());
        n.put("fix", d.fix());
        n.put("found", d.found().orElse(null));
        n.put("repairable", d.repairable());
        return n;
    }

    static ObjectNode mergeJson(MergeResult r) {
        ObjectNode n = SessionView.JSON.createObjectNode();
        n.put("feature", r.feature());
        n.put("outcome", r.outcome().name());
        n.put("merged", r.merged());
        n.put("baseBranch", r.baseBranch());
        n.put("baseBefore", r.baseBefore());
        n.put("mergedCommit", r.mergedCommit().orElse(null));
        var conflicts = n.putArray("conflicts");
        r.conflicts().forEach(conflicts::add);
        n.put("message", r.message());
        return n;
    }

    private ObjectNode created(JsonNode body) {
        JsonNode list = body.path("features");
        if (!list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException("the body needs \"features\": a list of {\"name\", \"prompt\"}");
        }
        List<EngineCommands.CreateRequest> requests = new ArrayList<>();
        for (JsonNode f : list) {
            List<String> deps = new ArrayList<>();
            f.path("dependsOn").forEach(d -> deps.add(d.asText()));
            requests.add(new EngineCommands.CreateRequest(f.path("name").asText(""), f.path("prompt").asText(""),
                    text(f, "agent"), deps, text(f, "baseBranch"), text(f, "dependencyMode").map(ControlApi::dependencyMode)
                    .orElse(DependencyMode.SEQUENTIAL)));
        }
        List<Session> added = engine.create(requests);
        ObjectNode out = SessionView.JSON.createObjectNode();
        out.set("sessions", SessionView.toJson(added));
        return out;
    }

    /** {@code sequential} or {@code stacked}, in any case; anything else is a 400 naming both. */
    static DependencyMode dependencyMode(String text) {
        return switch (text.strip().toUpperCase(java.util.Locale.ROOT)) {
            case "SEQUENTIAL" -> DependencyMode.SEQUENTIAL;
            case "STACKED" -> DependencyMode.STACKED;
            default -> throw new IllegalArgumentException("\"dependencyMode\" is '" + text + "'; write \"sequential\" (start after"
                    + " the dependency merged, the default) or \"stacked\" (start at once on top of its branch)");
        };
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? Optional.empty() : Optional.of(v.asText());
    }

    /** Server-sent events until the client goes away or the engine stops; a comment every 10 s finds a gone client. */
    private void streamEvents(HttpExchange x) throws IOException {
        BlockingQueue<OrchestratorEvent> queue = new LinkedBlockingQueue<>();
        x.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        x.getResponseHeaders().set("Cache-Control", "no-store");
        x.sendResponseHeaders(200, 0);
        activity.streamOpened();
        try (EventSubscription ignored = engine.subscribe(queue::add); OutputStream out = x.getResponseBody()) {
            out.write(": connected\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (!activity.stopping()) {
                OrchestratorEvent e = queue.poll(10, TimeUnit.SECONDS);
                String chunk = e == null ? ": keep-alive\n\n"
                        : "event: " + e.getClass().getSimpleName() + "\ndata: " + SessionView.toJson(e) + "\n\n";
                out.write(chunk.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException clientGone) {
            log.debug("event stream closed by the client");
        } finally {
            activity.streamClosed();
        }
    }

    private static JsonNode readBody(HttpExchange x) throws IOException {
        try (InputStream in = x.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length == 0) {
                return SessionView.JSON.createObjectNode();
            }
            try {
                return SessionView.JSON.readTree(bytes);
            } catch (IOException e) {
                throw new IllegalArgumentException("the body is not JSON: " + e.getMessage());
            }
        }
    }

    private static ObjectNode error(String message, String kind) {
        ObjectNode n = SessionView.JSON.createObjectNode();
        n.put("error", message);
        n.put("kind", kind);
        return n;
    }

    private static ObjectNode message(String message) {
        ObjectNode n = SessionView.JSON.createObjectNode();
        n.put("message", message);
        return n;
    }

    static void send(HttpExchange x, int status, JsonNode body) throws IOException {
        byte[] bytes = SessionView.JSON.writeValueAsBytes(body);
        x.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }
}
