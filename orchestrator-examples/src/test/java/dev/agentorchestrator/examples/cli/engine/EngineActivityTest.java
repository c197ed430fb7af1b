package dev.agentorchestrator.examples.cli.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The idle rule: a short idle timeout never stops an engine before the command that started it
 * has connected (CliEngineIT's idle test once failed on a loaded machine for this), and after a
 * request the timeout counts as configured.
 */
class EngineActivityTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private void pass(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void beforeItsFirstRequestAnEngineWaitsTheGraceThenItsTimeoutCountsFromTheLastRequest() {
        EngineActivity activity = new EngineActivity(Duration.ofSeconds(2), now::get);
        pass(Duration.ofSeconds(5));
        assertFalse(activity.idle(() -> false), "no request yet: waits for the command that started it");
        pass(EngineActivity.FIRST_REQUEST_GRACE);
        assertTrue(activity.idle(() -> false), "an engine nobody talks to still stops");

        EngineActivity served = new EngineActivity(Duration.ofSeconds(2), now::get);
        pass(Duration.ofSeconds(5));
        served.requestSeen();
        pass(Duration.ofSeconds(1));
        assertFalse(served.idle(() -> false));
        pass(Duration.ofSeconds(1));
        assertTrue(served.idle(() -> false), "2 s after the last request");
        assertFalse(served.idle(() -> true), "a live session keeps it");
    }

    @Test
    void aLongTimeoutIsNotShortenedByTheGrace() {
        EngineActivity activity = new EngineActivity(Duration.ofMinutes(30), now::get);
        pass(Duration.ofMinutes(29));
        assertFalse(activity.idle(() -> false));
        pass(Duration.ofMinutes(1));
        assertTrue(activity.idle(() -> false));
    }
}
