package dev.agentorchestrator.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The quick commands' hand-made ISO times, held against {@code java.time}, which the state store uses. */
class IsoTimesTest {

    @Property
    void storedInstantsParseAsJavaTimeParsesThem(@ForAll("instants") Instant instant) {
        assertEquals(instant, IsoTimes.instant(instant.toString()));
    }

    @Property
    void storedDurationsParseAsJavaTimeParsesThem(@ForAll @LongRange(min = -10_000_000_000L, max = 10_000_000_000L) long millis,
            @ForAll @LongRange(min = 0, max = 999_999) long nanos) {
        Duration d = Duration.ofMillis(millis).plusNanos(nanos);
        assertEquals(d, IsoTimes.duration(d.toString()));
        assertEquals(Duration.parse(d.toString()), IsoTimes.duration(d.toString()));
    }

    @Provide
    Arbitrary<Instant> instants() {
        // Years 1000 to 9999: Instant.toString writes four digits there (others are the store's reader's to read).
        return Arbitraries.longs().between(Instant.parse("1000-01-01T00:00:00Z").getEpochSecond(),
                Instant.parse("9999-12-31T23:59:59Z").getEpochSecond())
                .flatMap(s -> Arbitraries.integers().between(0, 999_999_999).map(n -> Instant.ofEpochSecond(s, n)));
    }

    @Property
    void instantsAreWrittenAsInstantToStringWritesThem(@ForAll("instants") Instant instant,
            @ForAll @LongRange(min = -1_000_000_000_000L, max = 1_000_000_000_000L) long anySecond) {
        assertEquals(instant.toString(), IsoTimes.text(instant));
        Instant elsewhere = Instant.ofEpochSecond(anySecond, instant.getNano());
        assertEquals(elsewhere.toString(), IsoTimes.text(elsewhere), "years outside 1000 to 9999 too");
        Instant whole = Instant.ofEpochSecond(instant.getEpochSecond(), instant.getNano() / 1_000_000 * 1_000_000);
        assertEquals(whole.toString(), IsoTimes.text(whole), "milliseconds: three digits");
    }

    @Test
    void timesInAnotherFormAreRefusedSoThatTheStoreReadsThem() {
        for (String bad : List.of("2026-11-30T04:43:01", "2026-11-30 04:43:01Z", "+10000-01-01T00:00:00Z", "2026-13-01T00:00:00Z",
                "2026-11-30T04:43:01.Z", "2026-11-30T04:43:01.1234567890Z")) {
            assertThrows(IllegalArgumentException.class, () -> IsoTimes.instant(bad), bad);
        }
        for (String bad : List.of("P1D", "PT", "PTS", "PT1.5M", "PT1S2M", "8S", "PT1X")) {
            assertThrows(RuntimeException.class, () -> IsoTimes.duration(bad), bad);
        }
    }
}
