package dev.agentorchestrator.notify;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real webhook receiver on 127.0.0.1: records every request and answers with the statuses it is
 * told, in order (then 204), or holds its answer until released, or never answers.
 */
final class LoopbackHook implements AutoCloseable {

    /** One request as the server read it. */
    record Received(String method, String path, String contentType, String authorization, String body) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "loopback-hook");
        t.setDaemon(true);
        return t;
    });
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Deque<Integer> answers = new ArrayDeque<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile CountDownLatch hold;

    private LoopbackHook() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // Handlers block on purpose (holding, hanging): give them threads of their own, not the dispatcher.
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    static LoopbackHook start() throws IOException {
        return new LoopbackHook();
    }

    /** The hook's URL; its path stands for the secret a chat webhook carries there. */
    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/T0SECRET/B0SECRET");
    }

    /** The next requests are answered with these statuses, in order; later ones with 204. */
    synchronized void answer(int... statuses) {
        for (int s : statuses) {
            answers.addLast(s);
        }
    }

    /** Requests are read and recorded, but answered only after {@link #release()}. */
    void holdAnswers() {
        hold = new CountDownLatch(1);
    }

    void release() {
        CountDownLatch h = hold;
        hold = null;
        if (h != null) {
            h.countDown();
        }
    }

    /** Requests are read and recorded, and never answered (until the hook closes). */
    void neverAnswer() {
        hold = closing;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            CountDownLatch h = hold;
            if (h != null) {
                h.await(60, TimeUnit.SECONDS);
            }
            int status;
            synchronized (this) {
                status = answers.isEmpty() ? 204 : answers.pollFirst();
            }
            exchange.sendResponseHeaders(status, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closing.countDown();
        release();
        server.stop(0);
        executor.shutdownNow();
    }
}
