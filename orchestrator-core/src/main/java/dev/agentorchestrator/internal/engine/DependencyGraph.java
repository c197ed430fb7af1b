package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.ConfigurationException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Who depends on whom, checked before a feature is stored: every name a feature depends on must be
 * a feature (given now or stored), and no chain of dependencies may come back to where it began,
 * since such features could never start. Refusals name the missing feature or the whole cycle
 * ({@code a -> b -> a}).
 */
final class DependencyGraph {
    private final Map<String, List<String>> edges = new LinkedHashMap<>();

    /** Adds a feature and the features it depends on; a later call for the same name replaces the earlier. */
    DependencyGraph add(String feature, List<String> dependsOn) {
        edges.put(feature, List.copyOf(dependsOn));
        return this;
    }

    /**
     * Throws a {@link ConfigurationException} naming every feature that depends on one that is not
     * known, then the first cycle; does nothing when the graph is whole and acyclic.
     */
    void check() {
        Map<String, List<String>> missing = new TreeMap<>();
        edges.forEach((feature, deps) -> deps.stream().filter(d -> !edges.containsKey(d))
                .forEach(d -> missing.computeIfAbsent(feature, k -> new ArrayList<>()).add(d)));
        if (!missing.isEmpty()) {
            List<String> lines = new ArrayList<>();
            missing.forEach((feature, deps) -> lines.add("'" + feature + "' depends on " + String.join(", ", deps.stream()
                    .map(d -> "'" + d + "'").toList())));
            throw new ConfigurationException(String.join("; ", lines) + ", which " + (lines.size() == 1
                    && missing.values().iterator().next().size() == 1 ? "is" : "are") + " neither a feature given to the"
                    + " builder nor a stored session. Add the missing feature(s) (dependencies may be listed in any"
                    + " order), or drop them from dependsOn.");
        }
        findCycle().ifPresent(cycle -> {
            throw new ConfigurationException("The features depend on each other in a cycle, so none of them could ever"
                    + " start: " + String.join(" -> ", cycle) + ". Remove one of these dependencies to break it.");
        });
    }

    /** The first cycle, as the names along it with the first repeated at the end, or empty. */
    Optional<List<String>> findCycle() {
        Set<String> done = new HashSet<>();
        for (String start : edges.keySet()) {
            List<String> path = new ArrayList<>();
            Optional<List<String>> cycle = visit(start, path, new HashSet<>(), done);
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        return Optional.empty();
    }

    private Optional<List<String>> visit(String node, List<String> path, Set<String> onPath, Set<String> done) {
        if (onPath.contains(node)) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
            cycle.add(node);
            return Optional.of(List.copyOf(cycle));
        }
        if (!done.add(node)) {
            return Optional.empty();
        }
        path.add(node);
        onPath.add(node);
        for (String next : edges.getOrDefault(node, List.of())) {
            Optional<List<String>> cycle = visit(next, path, onPath, done);
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        onPath.remove(node);
        return Optional.empty();
    }
}
