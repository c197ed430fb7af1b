package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.spi.Availability;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Finds SPI implementations through {@link ServiceLoader}: the usable one with the highest
 * priority wins, and when none is usable the error lists every candidate and why it was passed
 * over (in the spirit of Testcontainers' {@code DockerClientProviderStrategy}).
 */
public final class Providers {

    private Providers() {
    }

    /** What discovery chose, and the candidates it looked at, for logs and {@code toString}. */
    public record Choice<T>(T chosen, String chosenDetail, List<String> tried) {
    }

    /** Every provider of {@code type} visible to this library's class loader, highest priority first. */
    public static <T> List<T> all(Class<T> type, ToIntFunction<T> priority) {
        List<T> found = new ArrayList<>();
        ServiceLoader<T> loader = ServiceLoader.load(type, Providers.class.getClassLoader());
        var it = loader.iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                throw new ConfigurationException("A " + type.getSimpleName()
                        + " provider listed in META-INF/services could not be loaded: " + e.getMessage()
                        + ". Fix or remove that entry, or pass an instance to the builder.", e);
            }
        }
        found.sort(Comparator.comparingInt(priority).reversed());
        return found;
    }

    /**
     * The usable provider of {@code type} with the highest priority.
     *
     * @param builderMethod the builder method a host can call instead, for the error message
     * @param hint          what to add to the classpath, for the error message
     */
    public static <T> Choice<T> best(Class<T> type, ToIntFunction<T> priority, Function<T, String> name,
                                     Function<T, Availability> availability, String builderMethod, String hint) {
        List<T> found = all(type, priority);
        if (found.isEmpty()) {
            throw new ConfigurationException("No " + type.getSimpleName() + " was given and none was found through"
                    + " ServiceLoader (META-INF/services/" + type.getName() + "). Pass one with Orchestrator.builder()."
                    + builderMethod + "(...), or " + hint + ".");
        }
        List<String> tried = new ArrayList<>();
        for (T candidate : found) {
            Availability a;
            try {
                a = availability.apply(candidate);
            } catch (RuntimeException e) {
                a = Availability.unusable("checking it failed: " + e);
            }
            tried.add(name.apply(candidate) + " (priority " + priority.applyAsInt(candidate) + "): "
                    + (a.usable() ? "usable, " : "not usable, ") + a.detail());
            if (a.usable()) {
                return new Choice<>(candidate, a.detail(), List.copyOf(tried));
            }
        }
        throw new ConfigurationException("No usable " + type.getSimpleName() + " was found; tried "
                + String.join("; ", tried) + ". Fix one of them, or pass one with Orchestrator.builder()."
                + builderMethod + "(...).");
    }
}
