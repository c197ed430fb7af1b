package dev.agentorchestrator.examples.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Streams one session's transcript to one page, on its own thread: its last lines first, then
 * every whole line appended after them. It reads the file when the session has an event (the
 * engine writes the line before it publishes the event) and at least once a second, for lines
 * with no event. A page that reads slowly only slows this thread, which waits for it.
 */
final class TranscriptFollower implements Consumer<String> {

    private final String session;
    private final Path file;
    private final HttpExchange exchange;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean closed;
    private Thread thread;

    TranscriptFollower(String session, Path file, HttpExchange exchange) {
        this.session = session;
        this.file = file;
        this.exchange = exchange;
    }

    @Override
    public void accept(String changedSession) {
        if (changedSession.equals(session)) {
            wake.release();
        }
    }

    /** Ends the stream, even when its thread is stuck writing to a page that does not read. */
    void close() {
        closed = true;
        wake.release();
        synchronized (this) {
            if (thread != null) {
                thread.interrupt();
            }
        }
    }

    /** Sends the last {@code lines} lines, then follows the file until the page or the dashboard goes. */
    void follow(int lines, Runnable onEnd) {
        synchronized (this) {
            thread = Thread.currentThread();
        }
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(SseStream.RETRY_FRAME.getBytes(StandardCharsets.UTF_8));
            TranscriptFile.Page page = TranscriptFile.linesBefore(file, -1, lines);
            send(out, "page", page);
            long offset = page.end();
            int quiet = 0;
            while (!closed) {
                if (!wake.tryAcquire(1, TimeUnit.SECONDS) && ++quiet >= 30) {
                    quiet = 0;
                    out.write(SseStream.PING_FRAME.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                wake.drainPermits();
                TranscriptFile.Page next;
                do {
                    next = TranscriptFile.linesFrom(file, offset);
                    if (next.start() < offset) {
                        send(out, "restart", next);
                    } else if (!next.lines().isEmpty()) {
                        send(out, "lines", next);
                    }
                    offset = next.end();
                } while (!closed && next.end() - next.start() >= TranscriptFile.MAX_READ / 2);
            }
        } catch (IOException | InterruptedException e) {
            // The page went away or the dashboard closed.
        } finally {
            synchronized (this) {
                thread = null;
                Thread.interrupted();
            }
            try {
                exchange.close();
            } catch (RuntimeException e) {
                // closed with its socket
            }
            onEnd.run();
        }
    }

    private static void send(OutputStream out, String type, TranscriptFile.Page page) throws IOException {
        ObjectNode json = Responses.JSON.createObjectNode().put("type", type).put("start", page.start()).put("end", page.end());
        json.set("lines", DashboardJson.strings(page.lines()));
        out.write(SseStream.frame(null, Responses.JSON.writeValueAsString(json)).getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
