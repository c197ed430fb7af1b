package dev.agentorchestrator.notify;

import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.spi.Notification;
import dev.agentorchestrator.spi.Notifier;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts each notification as JSON to a URL: a chat's incoming webhook (Slack, Mattermost and
 * Rocket.Chat show its {@code text} field as is), a CI system, a small service of one's own. The
 * body's shape is in docs/notifications.md.
 *
 * <pre>{@code
 * Notifier hook = WebhookNotifier.to(URI.create("https://hooks.example.org/agents"))
 *         .header("Authorization", "Bearer " + System.getenv("HOOK_TOKEN"))
 *         .maxAttempts(4)
 *         .timeout(Duration.ofSeconds(5))
 *         .build();
 * }</pre>
 *
 * <p>An attempt that fails with an I/O error (refused, reset, no answer within the time limit) or
 * an HTTP 5xx or 429 answer is tried again after an exponential backoff, up to the maximum number
 * of attempts; any other answer outside 2xx is final. A notification that is not delivered is
 * logged once, as a warning, and counted ({@link #failedCount()}); nothing is thrown to the
 * caller. Logs and {@link #toString()} name only the URL's scheme, host and port, because chat
 * webhooks carry their secret in the path, and never a header's value.
 *
 * <p>Immutable and thread-safe; one instance may serve several orchestrators.
 */
public final class WebhookNotifier implements Notifier {
    private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final URI target;
    private final String shownTarget;
    private final Map<String, String> headers;
    private final int maxAttempts;
    private final Duration timeout;
    private final HttpClient client;
    private final Retry retry;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong attempts = new AtomicLong();

    private WebhookNotifier(Builder b) {
        this.target = b.target;
        this.shownTarget = shown(b.target);
        this.headers = Map.copyOf(b.headers);
        this.maxAttempts = b.maxAttempts;
        this.timeout = b.timeout;
        // HTTP/1.1: an http:// URL would otherwise get an h2c upgrade request that some small receivers mishandle.
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        RetryConfig config = RetryConfig.<Integer>custom()
                .maxAttempts(maxAttempts)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(b.backoff, 2.0,
                        b.backoff.compareTo(MAX_BACKOFF) > 0 ? b.backoff : MAX_BACKOFF))
                .retryOnException(e -> e instanceof IOException)
                .retryOnResult(WebhookNotifier::worthRetrying)
                .build();
        this.retry = Retry.of("webhook " + shownTarget, config);
    }

    /** Starts a webhook notifier that posts to {@code url}, an absolute {@code http} or {@code https} URL. */
    public static Builder to(URI url) {
        return new Builder(url);
    }

    /** The configuration of a {@link WebhookNotifier}; {@link #build()} makes one. Defaults: 3 attempts, 10 s, 500 ms. */
    public static final class Builder {
        private final URI target;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private int maxAttempts = 3;
        private Duration timeout = Duration.ofSeconds(10);
        private Duration backoff = Duration.ofMillis(500);

        private Builder(URI url) {
            Objects.requireNonNull(url, "url");
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
                throw new ConfigurationException("webhook URL '" + shown(url) + "' is not an absolute http or https URL "
                        + "with a host; give one such as https://hooks.example.org/agents");
            }
            this.target = url;
        }

        /**
         * Adds a header sent with every request, such as {@code Authorization}. Its value is never
         * logged. {@code Content-Type} is {@code application/json} unless set here.
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            try {
                // The JDK client refuses some headers (Host, Content-Length, Connection, ...) and malformed ones: say so now, not on the first send.
                HttpRequest.newBuilder(target).header(name, value);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("webhook header '" + name + "' is refused by the HTTP client (a header it "
                        + "sets itself, or a malformed name or value); leave it out or give a valid one", e);
            }
            headers.put(name, value);
            return this;
        }

        /** How many attempts in all, from 1 (no retry); default 3. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new ConfigurationException("webhook maxAttempts is " + maxAttempts + " but must be at least 1 "
                        + "(1 means a single attempt, no retry)");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** The time limit of each attempt, from connecting to the end of the answer; default 10 seconds. */
        public Builder timeout(Duration timeout) {
            this.timeout = positive("timeout", timeout);
            return this;
        }

        /** The pause before the first retry; each further one doubles it, up to 30 seconds. Default 500 ms. */
        public Builder backoff(Duration backoff) {
            this.backoff = positive("backoff", backoff);
            return this;
        }

        public WebhookNotifier build() {
            return new WebhookNotifier(this);
        }

        private static Duration positive(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new ConfigurationException("webhook " + what + " is " + d + " but must be positive, such as Duration.ofSeconds(5)");
            }
            return d;
        }
    }

    /** Posts the notification, retrying as configured; never throws for a failed delivery. */
    @Override
    public void send(Notification notification) {
        Objects.requireNonNull(notification, "notification");
        HttpRequest request = request(NotificationJson.toBytes(notification));
        AtomicInteger tries = new AtomicInteger();
        String failure;
        try {
            int status = retry.executeCallable(() -> {
                tries.incrementAndGet();
                attempts.incrementAndGet();
                return attempt(request);
            });
            if (status / 100 == 2) {
                delivered.incrementAndGet();
                return;
            }
            failure = "the server answered HTTP " + status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted (the orchestrator is closing)";
        } catch (Exception e) {
            failure = reason(e);
        }
        failed.incrementAndGet();
        log.warn("Webhook {} did not take the {} notification{} after {} attempt(s): {}", shownTarget, notification.kind(),
                notification.session().isEmpty() ? "" : " for '" + notification.session() + "'", tries.get(), failure);
    }

    private HttpRequest request(byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(target)
                .timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "agent-orchestrator")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::setHeader);
        return b.build();
    }

    /** One attempt: the status code, or an IOException (retried) when there is no answer in time. */
    private int attempt(HttpRequest request) throws IOException, InterruptedException {
        // The request's own timeout ends at the answer's headers; this one also bounds reading the body.
        CompletableFuture<HttpResponse<Void>> answer = client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            return answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS).statusCode();
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new HttpTimeoutException("no complete answer within " + timeout);
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause == null ? "the request failed" : cause.toString(), cause);
        }
    }

    private static boolean worthRetrying(Object status) {
        int code = (Integer) status;
        return code >= 500 || code == 429;
    }

    private static String reason(Throwable e) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = e; t != null && parts.size() < 3; t = t.getCause()) {
            String m = t.getMessage();
            parts.add(t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m));
        }
        return String.join(", caused by ", parts);
    }

    /** Scheme, host and port only: the path and query of a chat webhook are its secret. */
    private static String shown(URI url) {
        if (url.getHost() == null) {
            return "(a URL without a host)";
        }
        return url.getScheme() + "://" + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort()) + "/...";
    }

    /** Notifications delivered (answered with 2xx) so far. */
    public long deliveredCount() {
        return delivered.get();
    }

    /** Notifications given up on so far (each logged once). */
    public long failedCount() {
        return failed.get();
    }

    /** HTTP attempts made so far, retries included. */
    public long attemptCount() {
        return attempts.get();
    }

    /** How many attempts each notification gets. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The time limit of each attempt. */
    public Duration timeout() {
        return timeout;
    }

    @Override
    public String name() {
        return "webhook " + shownTarget;
    }

    /** Names the host, never the path, the query or a header's value. */
    @Override
    public String toString() {
        return "WebhookNotifier[" + shownTarget + ", " + maxAttempts + " attempts, " + timeout + " each, "
                + (headers.isEmpty() ? "no headers" : "headers " + headers.keySet()) + "]";
    }
}
