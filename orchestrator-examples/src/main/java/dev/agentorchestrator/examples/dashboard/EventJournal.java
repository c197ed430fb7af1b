package dev.agentorchestrator.examples.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Session;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The orchestrator's events, numbered and fanned out to every connected page.
 *
 * <p>Subscribed as one listener, so it sees each session's events in order, on the orchestrator's
 * listener thread; it never blocks there (each page has its own queue). Every event gets the id
 * {@code <epoch>-<n>}, with {@code n} growing by one; the epoch is new for every journal, so a
 * page that reconnects to a restarted dashboard is recognised and sent a full snapshot. The last
 * events are kept in a ring so a page that reconnects with {@code Last-Event-ID} gets exactly what
 * it missed; when the ring no longer holds that id, it gets a snapshot first.
 */
final class EventJournal implements Consumer<OrchestratorEvent> {

    private record Entry(long seq, String frame) {
    }

    private static final int RECENT = 30;

    private final Orchestrator orchestrator;
    private final int capacity;
    private final String epoch;
    private final ArrayDeque<Entry> ring = new ArrayDeque<>();
    /** The last few events as the feed shows them, so a fresh page does not start with an empty feed. */
    private final ArrayDeque<ObjectNode> recent = new ArrayDeque<>();
    private final Set<SseStream> pages = new LinkedHashSet<>();
    private final Map<String, AgentDoing> doing = new HashMap<>();
    private final List<Consumer<String>> sessionWatchers = new CopyOnWriteArrayList<>();
    private final DiffStats stats;
    private final MergeConflicts conflicts;
    /** The card, forecast and merge queue the pages were last sent, so a refresh sends only what changed. */
    private final Map<String, ObjectNode> sent = new HashMap<>();
    private ObjectNode forecastSent;
    private ObjectNode queueSent;
    private long seq;

    EventJournal(Orchestrator orchestrator, int capacity, DiffStats stats) {
        this.orchestrator = orchestrator;
        this.capacity = capacity;
        this.stats = stats;
        this.conflicts = new MergeConflicts(orchestrator);
        this.epoch = Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);
    }

    @Override
    public void accept(OrchestratorEvent event) {
        synchronized (this) {
            conflicts.observe(event);
            AgentDoing now = doing.getOrDefault(event.session(), AgentDoing.NOTHING);
            if (event instanceof OrchestratorEvent.AgentActivity activity) {
                now = now.after(activity.event(), activity.at());
            } else if (event instanceof OrchestratorEvent.StateChanged changed
                    && changed.to() == dev.agentorchestrator.SessionState.RUNNING) {
                now = now.answered();
            }
            ObjectNode json = Responses.JSON.createObjectNode().put("type", "event");
            ObjectNode described = DashboardJson.event(event, orchestrator);
            json.set("event", described);
            recent.addLast(described);
            if (recent.size() > RECENT) {
                recent.removeFirst();
            }
            CardFacts facts = facts();
            if (event instanceof OrchestratorEvent.SessionRemoved) {
                doing.remove(event.session());
                sent.remove(event.session());
                stats.forget(event.session());
                json.putNull("session");
            } else {
                doing.put(event.session(), now);
                // The session as it is now, which may already include later changes: the page only
                // ever replaces its card with the newest it has seen.
                Optional<Session> session = orchestrator.findSession(event.session());
                AgentDoing current = now;
                session.ifPresentOrElse(s -> json.set("session", card(s, current, facts)), () -> json.putNull("session"));
                if (event instanceof OrchestratorEvent.FilesOverlap || event instanceof OrchestratorEvent.ForecastChanged
                        || event instanceof OrchestratorEvent.MergeFinished) {
                    // Coordination concerns more than one card: send the new forecast and the other sessions too.
                    json.set("forecast", forecastSent = EngineBridge.forecast(facts.forecast()));
                    ArrayNode others = json.putArray("others");
                    for (Session other : orchestrator.sessions()) {
                        if (!other.name().equals(event.session())) {
                            others.add(card(other, doing.getOrDefault(other.name(), AgentDoing.NOTHING), facts));
                        }
                    }
                }
            }
            ObjectNode queue = EngineBridge.mergeQueue(orchestrator);
            if (!queue.equals(queueSent)) {
                json.set("mergeQueue", queueSent = queue);
            }
            append(json);
        }
        stats.touch(event.session());
        sessionWatchers.forEach(w -> w.accept(event.session()));
    }

    /**
     * Sends, in one frame, every card that differs from what the pages were last sent (a diff stat
     * counted, an overlap gone, a conflict found), and the forecast and merge queue when they changed.
     * Runs after each refresh of the {@link DiffStats}; sends nothing when nothing changed.
     */
    synchronized void refreshCards() {
        CardFacts facts = facts();
        ArrayNode changed = Responses.JSON.createArrayNode();
        for (Session s : orchestrator.sessions()) {
            ObjectNode before = sent.get(s.name());
            ObjectNode now = DashboardJson.session(s, doing.getOrDefault(s.name(), AgentDoing.NOTHING), facts);
            if (!now.equals(before)) {
                sent.put(s.name(), now);
                changed.add(now);
            }
        }
        ObjectNode json = Responses.JSON.createObjectNode().put("type", "cards");
        json.set("sessions", changed);
        ObjectNode forecast = EngineBridge.forecast(facts.forecast());
        if (!forecast.equals(forecastSent)) {
            json.set("forecast", forecastSent = forecast);
        }
        ObjectNode queue = EngineBridge.mergeQueue(orchestrator);
        if (!queue.equals(queueSent)) {
            json.set("mergeQueue", queueSent = queue);
        }
        if (!changed.isEmpty() || json.has("forecast") || json.has("mergeQueue")) {
            append(json);
        }
    }

    private CardFacts facts() {
        return CardFacts.of(orchestrator, stats, conflicts);
    }

    /** A session's card, remembered as what the pages were last sent for it. */
    private ObjectNode card(Session s, AgentDoing now, CardFacts facts) {
        ObjectNode card = DashboardJson.session(s, now, facts);
        sent.put(s.name(), card);
        return card;
    }

    /** Numbers {@code json} as the next event, keeps it for replay and queues it for every page. */
    private void append(ObjectNode json) {
        seq++;
        String id = id(seq);
        String frame = SseStream.frame(id, write(json.put("id", id)));
        ring.addLast(new Entry(seq, frame));
        while (ring.size() > capacity) {
            ring.removeFirst();
        }
        pages.removeIf(page -> !page.offer(frame));
    }

    /**
     * Queues for a newly connected page what it missed (or a snapshot) and then adds it to the
     * pages every later event goes to, in one step, so that nothing falls between the two.
     */
    synchronized void connect(SseStream page, Optional<String> lastEventId) {
        page.offer(SseStream.RETRY_FRAME);
        Optional<Long> since = lastEventId.flatMap(this::seqOf);
        long oldest = ring.isEmpty() ? seq + 1 : ring.peekFirst().seq();
        if (since.isPresent() && since.get() <= seq && since.get() >= oldest - 1) {
            for (Entry e : ring) {
                if (e.seq() > since.get()) {
                    page.offer(e.frame());
                }
            }
        } else {
            page.offer(SseStream.frame(id(seq), write(snapshot())));
        }
        pages.add(page);
    }

    /** Drops the pages whose current write has been blocked longer than {@code nanos}. */
    synchronized void dropStalled(long nanos) {
        pages.removeIf(page -> {
            if (page.stalledFor(nanos)) {
                page.abort();
                return true;
            }
            return false;
        });
    }

    synchronized void disconnect(SseStream page) {
        pages.remove(page);
    }

    synchronized int pageCount() {
        return pages.size();
    }

    /** Every session as it is now, with the id of the last event it includes. */
    synchronized ObjectNode snapshot() {
        ObjectNode json = Responses.JSON.createObjectNode().put("type", "snapshot").put("id", id(seq));
        json.put("repository", orchestrator.repository().getFileName() == null ? orchestrator.repository().toString()
                : orchestrator.repository().getFileName().toString());
        ArrayNode sessions = json.putArray("sessions");
        CardFacts facts = facts();
        for (Session s : orchestrator.sessions()) {
            // Not remembered as sent: a snapshot goes to one page (or a script), not to every page.
            sessions.add(DashboardJson.session(s, doing.getOrDefault(s.name(), AgentDoing.NOTHING), facts));
        }
        json.set("groups", DashboardJson.groups());
        ArrayNode feed = json.putArray("recent");
        recent.forEach(feed::add);
        json.set("forecast", EngineBridge.forecast(facts.forecast()));
        json.set("mergeQueue", EngineBridge.mergeQueue(orchestrator));
        json.set("capabilities", EngineBridge.capabilities());
        return json;
    }

    /** The session's card as the page shows it, with what its agent is doing. */
    synchronized ObjectNode session(Session s) {
        return DashboardJson.session(s, doing.getOrDefault(s.name(), AgentDoing.NOTHING), facts());
    }

    /** Called with a session's name after each of its events (transcript followers wake on it). */
    void watchSessions(Consumer<String> watcher) {
        sessionWatchers.add(watcher);
    }

    void unwatchSessions(Consumer<String> watcher) {
        sessionWatchers.remove(watcher);
    }

    /** Ends every page's stream. */
    synchronized void closeAll() {
        pages.forEach(SseStream::close);
        pages.clear();
    }

    private String id(long n) {
        return epoch + "-" + n;
    }

    private Optional<Long> seqOf(String lastEventId) {
        String prefix = epoch + "-";
        if (!lastEventId.startsWith(prefix)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(lastEventId.substring(prefix.length())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String write(ObjectNode json) {
        try {
            return Responses.JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
