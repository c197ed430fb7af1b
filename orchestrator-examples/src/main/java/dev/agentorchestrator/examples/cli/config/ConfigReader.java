package dev.agentorchestrator.examples.cli.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the values of one YAML mapping with their types checked, and refuses keys it was not
 * asked for, so that a typo is an error rather than a silently ignored setting.
 */
final class ConfigReader {

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private final String source;
    private final String path;
    private final YamlNode.Mapping mapping;

    private ConfigReader(String source, String path, YamlNode.Mapping mapping) {
        this.source = source;
        this.path = path;
        this.mapping = mapping;
    }

    /** A reader of the document's top level, which must be a mapping. */
    static ConfigReader root(String source, YamlNode node) {
        if (node instanceof YamlNode.Mapping m) {
            return new ConfigReader(source, "", m);
        }
        throw new ConfigFileException(source, node.line(), node.column(), "", "must be a mapping of keys such as 'agent:'"
                + " and 'maxParallelSessions:', found " + node.kind(), "see docs/cli.md for the keys");
    }

    /** Fails on the first key that is not one of {@code known}. */
    void allowOnly(Set<String> known) {
        for (Map.Entry<String, YamlNode.Scalar> key : mapping.keys().entrySet()) {
            if (!known.contains(key.getKey())) {
                throw new ConfigFileException(source, key.getValue().line(), key.getValue().column(), qualified(key.getKey()),
                        "is not a known key", "known keys " + (path.isEmpty() ? "at the top level" : "under " + path)
                        + ": " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    boolean has(String key) {
        YamlNode n = mapping.entries().get(key);
        return n != null && !(n instanceof YamlNode.Scalar s && s.text() == null);
    }

    Optional<String> string(String key) {
        YamlNode n = mapping.entries().get(key);
        if (n == null || n instanceof YamlNode.Scalar s && s.text() == null) {
            return Optional.empty();
        }
        if (n instanceof YamlNode.Scalar s) {
            return Optional.of(s.text());
        }
        throw wrongType(key, n, "a single value");
    }

    Optional<String> nonBlank(String key) {
        Optional<String> value = string(key);
        if (value.isPresent() && value.get().isBlank()) {
            throw problem(key, "must not be blank", "give a value or leave the key out");
        }
        return value;
    }

    Optional<Integer> integer(String key, int min) {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        int value;
        try {
            value = Integer.parseInt(text.get().trim());
        } catch (NumberFormatException e) {
            throw problem(key, "must be a whole number, found '" + text.get() + "'", "write a number such as " + Math.max(min, 3));
        }
        if (value < min) {
            throw problem(key, "must be at least " + min + ", found " + value, "write a number of " + min + " or more");
        }
        return Optional.of(value);
    }

    Optional<Boolean> bool(String key) {
        return string(key).map(text -> switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw problem(key, "must be true or false, found '" + text + "'", "write true or false");
        });
    }

    Optional<Duration> duration(String key) {
        return string(key).map(text -> parseDuration(text).orElseThrow(() -> problem(key,
                "must be a duration such as 500ms, 30s, 10m, 2h or 1h30m, found '" + text + "'", "write a number with a unit")));
    }

    /** A list of strings; a single string is split at spaces (no shell quoting) when {@code splitScalar}. */
    Optional<List<String>> stringList(String key, boolean splitScalar) {
        YamlNode n = mapping.entries().get(key);
        if (n == null || n instanceof YamlNode.Scalar s && s.text() == null) {
            return Optional.empty();
        }
        if (n instanceof YamlNode.Scalar s) {
            if (splitScalar) {
                String trimmed = s.text().trim();
                return Optional.of(trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+")));
            }
            return Optional.of(List.of(s.text()));
        }
        if (n instanceof YamlNode.Sequence seq) {
            List<String> out = new ArrayList<>();
            for (YamlNode item : seq.items()) {
                if (!(item instanceof YamlNode.Scalar s) || s.text() == null) {
                    throw new ConfigFileException(source, item.line(), item.column(), qualified(key),
                            "must be a list of single values, but an item is " + item.kind(), "write one value per '- ' line");
                }
                out.add(s.text());
            }
            return Optional.of(List.copyOf(out));
        }
        throw wrongType(key, n, "a list");
    }

    Map<String, String> stringMap(String key) {
        Optional<ConfigReader> nested = mapping(key);
        if (nested.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : nested.get().mapping.entries().keySet()) {
            out.put(k, nested.get().string(k).orElse(""));
        }
        return out;
    }

    Optional<ConfigReader> mapping(String key) {
        YamlNode n = mapping.entries().get(key);
        if (n == null || n instanceof YamlNode.Scalar s && s.text() == null) {
            return Optional.empty();
        }
        if (n instanceof YamlNode.Mapping m) {
            return Optional.of(new ConfigReader(source, qualified(key), m));
        }
        throw wrongType(key, n, "a mapping (indented key: value lines)");
    }

    /** The items of a list of mappings, each as a reader. */
    List<ConfigReader> mappings(String key) {
        YamlNode n = mapping.entries().get(key);
        if (n == null || n instanceof YamlNode.Scalar s && s.text() == null) {
            return List.of();
        }
        if (!(n instanceof YamlNode.Sequence seq)) {
            throw wrongType(key, n, "a list");
        }
        List<ConfigReader> out = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            YamlNode item = seq.items().get(i);
            if (!(item instanceof YamlNode.Mapping m)) {
                throw new ConfigFileException(source, item.line(), item.column(), qualified(key) + "[" + i + "]",
                        "must be a mapping, found " + item.kind(), "write its keys indented under the '- '");
            }
            out.add(new ConfigReader(source, qualified(key) + "[" + i + "]", m));
        }
        return out;
    }

    /** An error about the value of {@code key}, at its location. */
    ConfigFileException problem(String key, String problem, String fix) {
        YamlNode n = mapping.entries().get(key);
        YamlNode at = n != null ? n : mapping;
        return new ConfigFileException(source, at.line(), at.column(), qualified(key), problem, fix);
    }

    String path() {
        return path;
    }

    private ConfigFileException wrongType(String key, YamlNode n, String expected) {
        return new ConfigFileException(source, n.line(), n.column(), qualified(key), "must be " + expected + ", found "
                + n.kind(), "see docs/cli.md for its format");
    }

    private String qualified(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}, combinations such as {@code 1h30m}, or ISO-8601 ({@code PT2H}). */
    static Optional<Duration> parseDuration(String text) {
        String t = text.trim();
        if (t.startsWith("P") || t.startsWith("p")) {
            try {
                return Optional.of(Duration.parse(t));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        Matcher m = DURATION_PART.matcher(t);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            end = m.end();
        }
        return end == t.length() && end > 0 ? Optional.of(total) : Optional.empty();
    }
}
