package dev.agentorchestrator.examples.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every route of the dashboard, all outside {@code /api/} (which belongs to the engine process's
 * control API when the two share a server):
 *
 * <pre>
 * GET  /                              the page (with ?token=: sets the cookie and redirects to /)
 * GET  /dashboard/assets/NAME         its script, stylesheet and icons
 * GET  /dashboard/state               every session as JSON (the same snapshot the stream starts with)
 * GET  /dashboard/events              server-sent events; Last-Event-ID replays what a page missed
 * GET  /dashboard/transcript?session=NAME[&amp;before=OFFSET][&amp;lines=N]   a page of a transcript
 * GET  /dashboard/transcript/stream?session=NAME[&amp;lines=N]            a transcript, followed live
 * GET  /dashboard/diff?session=NAME   the branch's diff against its base
 * POST /dashboard/actions/VERB        prompt, resume, stop, remove, merge, ci, merge-all, hold, release (JSON body, CSRF header)
 * </pre>
 */
final class DashboardRoutes implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardRoutes.class);
    private static final String RESOURCES = "/dev/agentorchestrator/examples/dashboard/";
    private static final Map<String, String> ASSETS = Map.of(
            "dashboard.js", "text/javascript; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8",
            "favicon.svg", "image/svg+xml",
            "favicon-alert.svg", "image/svg+xml");
    private static final int MAX_BODY = 64 * 1024;
    private static final int MAX_TRANSCRIPT_LINES = 1000;

    private final Orchestrator orchestrator;
    private final DashboardOptions options;
    private final AccessGuard guard;
    private final EventJournal journal;
    private final Transcripts transcripts;
    private final Actions actions;
    private final Map<String, byte[]> assets = new HashMap<>();
    private final Set<TranscriptFollower> followers = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicInteger streamNumber = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;

    DashboardRoutes(Orchestrator orchestrator, DashboardOptions options, AccessGuard guard, EventJournal journal,
                    Transcripts transcripts) {
        this.orchestrator = orchestrator;
        this.options = options;
        this.guard = guard;
        this.journal = journal;
        this.transcripts = transcripts;
        this.actions = new Actions(orchestrator, journal);
        ASSETS.keySet().forEach(name -> assets.put(name, resource(name)));
        assets.put("index.html", resource("index.html"));
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (Actions.ActionException e) {
            Responses.error(exchange, e.status, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("dashboard request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
            Responses.error(exchange, 500, "The dashboard failed: " + e);
        } finally {
            // Harmless on a response already closed; streams are closed by their own threads instead.
            if (!isStream(exchange)) {
                exchange.close();
            }
        }
    }

    private static boolean isStream(HttpExchange exchange) {
        return "text/event-stream; charset=utf-8".equals(exchange.getResponseHeaders().getFirst("Content-Type"));
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        Map<String, String> query = query(exchange);
        if (path.equals("/") && query.containsKey("token")) {
            if (!guard.matches(query.get("token"))) {
                Responses.text(exchange, 403, "Forbidden: this is not the dashboard's token.\n");
                return;
            }
            // Keep the token in a cookie and take it out of the address bar, the history and any Referer.
            exchange.getResponseHeaders().add("Set-Cookie", guard.setCookie());
            Responses.redirect(exchange, "/");
            return;
        }
        if (!guard.authorized(exchange)) {
            Responses.text(exchange, 403, "Forbidden: open the dashboard with the address it printed when it started"
                    + " (it ends in ?token=...).\n");
            return;
        }
        if (closed) {
            Responses.error(exchange, 503, "The dashboard is closing.");
            return;
        }
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (path.startsWith("/dashboard/actions/")) {
            if (!method.equals("POST")) {
                exchange.getResponseHeaders().set("Allow", "POST");
                Responses.error(exchange, 405, "Actions are POST requests.");
            } else if (!guard.csrfHeaderValid(exchange)) {
                Responses.error(exchange, 403, "Forbidden: a state-changing request needs the " + AccessGuard.CSRF_HEADER
                        + " header the page was served with.");
            } else {
                Responses.json(exchange, 200, actions.run(path.substring("/dashboard/actions/".length()), body(exchange)));
            }
            return;
        }
        if (!read) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            Responses.error(exchange, 405, "Only GET and HEAD here; actions are POST /dashboard/actions/VERB.");
            return;
        }
        switch (path) {
            case "/" -> page(exchange);
            case "/dashboard/state" -> Responses.json(exchange, 200, journal.snapshot());
            case "/dashboard/events" -> events(exchange);
            case "/dashboard/transcript" -> transcriptPage(exchange, query);
            case "/dashboard/transcript/stream" -> transcriptStream(exchange, query);
            case "/dashboard/diff" -> Responses.json(exchange, 200, GitDiff.of(orchestrator.repository(), known(query)));
            default -> {
                String name = path.startsWith("/dashboard/assets/") ? path.substring("/dashboard/assets/".length()) : "";
                String type = ASSETS.get(name);
                if (type == null) {
                    Responses.text(exchange, 404, "Not found: " + path + "\n");
                } else {
                    Responses.send(exchange, 200, type, assets.get(name));
                }
            }
        }
    }

    private void page(HttpExchange exchange) throws IOException {
        String html = new String(assets.get("index.html"), StandardCharsets.UTF_8).replace("{{csrf}}", guard.csrf());
        Responses.send(exchange, 200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    private void events(HttpExchange exchange) throws IOException {
        if (journal.pageCount() >= options.maxClients()) {
            Responses.error(exchange, 503, "Too many pages are connected (" + options.maxClients() + "); close some.");
            return;
        }
        SseStream.sendHeaders(exchange);
        SseStream stream = new SseStream(exchange, options.clientQueueCapacity(), journal::disconnect);
        journal.connect(stream, Optional.ofNullable(exchange.getRequestHeaders().getFirst("Last-Event-ID")));
        stream.start("dashboard-events-" + streamNumber.incrementAndGet());
    }

    private void transcriptPage(HttpExchange exchange, Map<String, String> query) throws IOException {
        Session session = known(query);
        Optional<Path> file = transcripts.file(session.name());
        if (file.isEmpty()) {
            Responses.error(exchange, 404, transcripts.whyNot());
            return;
        }
        long before = number(query, "before", -1, Long.MAX_VALUE);
        int lines = (int) number(query, "lines", 200, MAX_TRANSCRIPT_LINES);
        TranscriptFile.Page page = TranscriptFile.linesBefore(file.get(), before, lines);
        var json = Responses.JSON.createObjectNode().put("session", session.name()).put("start", page.start()).put("end", page.end());
        json.set("lines", DashboardJson.strings(page.lines()));
        Responses.json(exchange, 200, json);
    }

    private void transcriptStream(HttpExchange exchange, Map<String, String> query) throws IOException {
        Session session = known(query);
        Optional<Path> file = transcripts.file(session.name());
        if (file.isEmpty()) {
            Responses.error(exchange, 404, transcripts.whyNot());
            return;
        }
        int lines = (int) number(query, "lines", 200, MAX_TRANSCRIPT_LINES);
        SseStream.sendHeaders(exchange);
        TranscriptFollower follower = new TranscriptFollower(session.name(), file.get(), exchange);
        followers.add(follower);
        journal.watchSessions(follower);
        Thread thread = new Thread(() -> follower.follow(lines, () -> {
            journal.unwatchSessions(follower);
            followers.remove(follower);
        }), "dashboard-transcript-" + streamNumber.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    }

    /** The session the query names; 404 when there is none (the name never becomes a path by itself). */
    private Session known(Map<String, String> query) {
        String name = query.get("session");
        if (name == null || name.isBlank()) {
            throw new Actions.ActionException(400, "Name the session: ?session=NAME.");
        }
        return orchestrator.findSession(name)
                .orElseThrow(() -> new Actions.ActionException(404, "There is no session '" + name + "'."));
    }

    void close() {
        closed = true;
        followers.forEach(TranscriptFollower::close);
    }

    private static JsonNode body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new Actions.ActionException(413, "The request body is over " + MAX_BODY + " bytes.");
            }
            if (bytes.length == 0) {
                return Responses.JSON.createObjectNode();
            }
            JsonNode json = Responses.JSON.readTree(bytes);
            if (!json.isObject()) {
                throw new Actions.ActionException(400, "The request body must be a JSON object.");
            }
            return json;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Actions.ActionException(400, "The request body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static long number(Map<String, String> query, String name, long fallback, long max) {
        String value = query.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(value);
            if (n < 0 || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new Actions.ActionException(400, "'" + name + "' must be a number between 0 and " + max + ".");
        }
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> query = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.putIfAbsent(key, value);
        }
        return query;
    }

    private static byte[] resource(String name) {
        try (InputStream in = DashboardRoutes.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("The dashboard's resource " + name + " is missing from the jar.");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
