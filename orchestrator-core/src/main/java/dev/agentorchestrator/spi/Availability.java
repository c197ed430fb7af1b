package dev.agentorchestrator.spi;

import java.util.Objects;

/**
 * Whether a launcher (or another provider) can run on this machine, and why. Discovery skips the
 * unusable ones and reports every candidate it tried with its {@link #detail()}.
 *
 * @param usable true when it can run here
 * @param detail for a usable one what was found (such as {@code "claude 2.0.14 at /usr/local/bin/claude"});
 *               for an unusable one why not and what to do
 */
public record Availability(boolean usable, String detail) {

    public Availability {
        Objects.requireNonNull(detail, "detail");
    }

    /** It can run here; {@code detail} says what was found. */
    public static Availability usable(String detail) {
        return new Availability(true, detail);
    }

    /** It cannot run here; {@code why} says why and what would fix it. */
    public static Availability unusable(String why) {
        return new Availability(false, why);
    }

    @Override
    public String toString() {
        return (usable ? "usable: " : "unusable: ") + detail;
    }
}
