package dev.agentorchestrator.examples.cli.config;

import java.util.List;
import java.util.Map;

/**
 * One node of a YAML document with where it starts, so that every error in the config file can
 * name its line and column. Jackson's tree model drops locations, so {@link YamlTree} builds these
 * from the streaming parser instead.
 */
sealed interface YamlNode {

    int line();

    int column();

    /** What a person calls this kind of node, for "expected a list, found a mapping". */
    String kind();

    /** A scalar as written; {@code null} text stands for YAML's null ({@code ~} or an empty value). */
    record Scalar(String text, int line, int column) implements YamlNode {
        @Override
        public String kind() {
            return text == null ? "nothing (null)" : "a single value";
        }
    }

    record Sequence(List<YamlNode> items, int line, int column) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String kind() {
            return "a list";
        }
    }

    /** A mapping in file order; {@code keys} holds where each key is written. */
    record Mapping(Map<String, YamlNode> entries, Map<String, Scalar> keys, int line, int column) implements YamlNode {
        public Mapping {
            entries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(entries));
            keys = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(keys));
        }

        @Override
        public String kind() {
            return "a mapping (key: value lines)";
        }
    }
}
