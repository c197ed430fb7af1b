package dev.agentorchestrator.spi;

import java.util.Objects;

/**
 * Whether an implementation can run on this machine, and what was found or missed, as a person
 * reads it: {@code claude 2.1.332 at /usr/bin/claude}, {@code 'claude' is not on the PATH}.
 * Default discovery skips unusable implementations and lists every candidate it tried.
 *
 * @param usable true when it can run here
 * @param detail what was found, or why it cannot run and what to do
 */
public record Availability(boolean usable, String detail) {

    public Availability {
        Objects.requireNonNull(detail, "detail");
    }

    public static Availability usable(String detail) {
        return new Availability(true, detail);
    }

    public static Availability unusable(String why) {
        return new Availability(false, why);
    }
}
