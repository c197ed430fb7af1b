package dev.agentorchestrator.examples.dashboard;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One open server-sent-events response with its own bounded queue of frames and its own writer
 * thread. Whoever publishes only offers to the queue and never waits on the network: a page that
 * stops reading fills its queue, is dropped ({@link #offer} returns false) and its writer is
 * interrupted, which closes its socket, so the thread does not stay stuck behind it.
 */
final class SseStream {

    /** Told to the browser so that it reconnects one second after losing the stream. */
    static final String RETRY_FRAME = "retry: 1000\n\n";
    static final String PING_FRAME = ": ping\n\n";
    private static final String END = new String("end");

    private final HttpExchange exchange;
    private final BlockingQueue<String> frames;
    private final Consumer<SseStream> onClose;
    private volatile boolean closed;
    /** When the write in progress started (System.nanoTime), 0 between writes. */
    private volatile long writingSince;
    private Thread writer;

    SseStream(HttpExchange exchange, int capacity, Consumer<SseStream> onClose) {
        this.exchange = exchange;
        this.frames = new ArrayBlockingQueue<>(capacity + 2);
        this.onClose = onClose;
    }

    /** Sends the response headers of an event stream; call on the handler's thread before {@link #start}. */
    static void sendHeaders(HttpExchange exchange) throws IOException {
        AccessGuard.secureHeaders(exchange.getResponseHeaders());
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
        exchange.sendResponseHeaders(200, 0);
    }

    /** One SSE frame: an optional id and a one-line JSON payload. */
    static String frame(String id, String json) {
        return (id == null ? "" : "id: " + id + "\n") + "data: " + json + "\n\n";
    }

    /** Queues a frame; false when the page is too far behind (it is then dropped) or already closed. */
    boolean offer(String frame) {
        if (closed) {
            return false;
        }
        if (!frames.offer(frame)) {
            abort();
            return false;
        }
        return true;
    }

    /** True when one write has been blocked for longer than {@code nanos}: the page stopped reading. */
    boolean stalledFor(long nanos) {
        long since = writingSince;
        return since != 0 && System.nanoTime() - since > nanos;
    }

    boolean isClosed() {
        return closed;
    }

    /** Starts the writer thread. */
    void start(String name) {
        Thread thread = new Thread(this::writeUntilClosed, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Ends the stream after the frames already queued. */
    void close() {
        closed = true;
        if (!frames.offer(END)) {
            abort();
        }
    }

    /** Ends the stream now, dropping what is queued, even if the writer is stuck on a full socket. */
    void abort() {
        closed = true;
        frames.clear();
        frames.offer(END);
        synchronized (this) {
            if (writer != null) {
                // The response is written through a socket channel: interrupting a write blocked on it
                // closes the channel, which is what frees this thread from a page that never reads.
                writer.interrupt();
            }
        }
    }

    private void writeUntilClosed() {
        synchronized (this) {
            writer = Thread.currentThread();
        }
        try (OutputStream out = exchange.getResponseBody()) {
            while (true) {
                String frame = frames.poll(30, TimeUnit.SECONDS);
                if (frame == END || (closed && frames.isEmpty() && frame == null)) {
                    break;
                }
                // A comment line every 30 quiet seconds finds pages that went away without closing.
                writingSince = System.nanoTime() | 1;
                out.write((frame == null ? PING_FRAME : frame).getBytes(StandardCharsets.UTF_8));
                out.flush();
                writingSince = 0;
            }
        } catch (IOException | InterruptedException e) {
            // The page went away or the stream was aborted: nothing to tell anyone but the owner below.
        } finally {
            closed = true;
            synchronized (this) {
                writer = null;
                Thread.interrupted();
            }
            try {
                exchange.close();
            } catch (RuntimeException e) {
                // already closed with the socket
            }
            onClose.accept(this);
        }
    }
}
