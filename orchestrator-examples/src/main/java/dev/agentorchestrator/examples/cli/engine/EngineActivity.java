package dev.agentorchestrator.examples.cli.engine;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Decides when the engine is idle: no session is live, no event stream is open, and no request
 * came for the idle timeout. Before its first request an engine waits at least
 * {@link #FIRST_REQUEST_GRACE}: the command that started it on demand connects only once the
 * engine is up, which on a busy machine can take longer than a short idle timeout. Thread-safe.
 */
final class EngineActivity {

    /** How long an engine that has served no request yet waits for one, at least. */
    static final Duration FIRST_REQUEST_GRACE = Duration.ofSeconds(30);

    private final Duration idleTimeout;
    private final LongSupplier clock;
    private final AtomicInteger openStreams = new AtomicInteger();
    private volatile long lastBusyNanos;
    private volatile boolean served;
    private volatile boolean stopping;

    EngineActivity(Duration idleTimeout, LongSupplier nanoClock) {
        this.idleTimeout = idleTimeout;
        this.clock = nanoClock;
        this.lastBusyNanos = nanoClock.getAsLong();
    }

    void requestSeen() {
        lastBusyNanos = clock.getAsLong();
        served = true;
    }

    void streamOpened() {
        openStreams.incrementAndGet();
        requestSeen();
    }

    void streamClosed() {
        openStreams.decrementAndGet();
        requestSeen();
    }

    /**
     * True when the engine may stop. A live session counts as activity, so the idle time starts
     * when the last session settles, not when it started.
     */
    boolean idle(BooleanSupplier liveSession) {
        long now = clock.getAsLong();
        if (openStreams.get() > 0 || liveSession.getAsBoolean()) {
            lastBusyNanos = now;
            return false;
        }
        Duration wait = served || idleTimeout.compareTo(FIRST_REQUEST_GRACE) >= 0 ? idleTimeout : FIRST_REQUEST_GRACE;
        return now - lastBusyNanos >= wait.toNanos();
    }

    void stop() {
        stopping = true;
    }

    boolean stopping() {
        return stopping;
    }
}
