package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.ConfigurationException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.ToIntFunction;

/** Finds SPI implementations through {@link ServiceLoader}; the highest priority wins. */
public final class Providers {

    private Providers() {
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
     * The highest-priority provider of {@code type}.
     *
     * @param builderMethod the builder method a host can call instead, for the error message
     * @param hint          what to add to the classpath, for the error message
     */
    public static <T> T best(Class<T> type, ToIntFunction<T> priority, String builderMethod, String hint) {
        List<T> found = all(type, priority);
        if (found.isEmpty()) {
            throw new ConfigurationException("No " + type.getSimpleName() + " was given and none was found through"
                    + " ServiceLoader (META-INF/services/" + type.getName() + "). Pass one with Orchestrator.builder()."
                    + builderMethod + "(...), or " + hint + ".");
        }
        return found.get(0);
    }
}
