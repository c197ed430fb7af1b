package dev.agentorchestrator.examples.cli.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a YAML document into {@link YamlNode}s that remember their line and column. */
final class YamlTree {

    private static final YAMLFactory FACTORY = new YAMLFactory();

    private YamlTree() {
    }

    /**
     * Parses {@code text}; an empty document is an empty mapping.
     *
     * @throws ConfigFileException on a syntax error or a duplicated key, with its location
     */
    static YamlNode parse(String source, String text) {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new YamlNode.Mapping(Map.of(), Map.of(), 1, 1);
            }
            return read(source, parser);
        } catch (ConfigFileException e) {
            throw e;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new ConfigFileException(source, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), "",
                    "is not valid YAML: " + e.getOriginalMessage(), "fix the syntax there (indentation, a missing ':' or quote)");
        } catch (IOException e) {
            throw new ConfigFileException(source, 0, 0, "", "cannot be read: " + e.getMessage(), "check the file");
        }
    }

    private static YamlNode read(String source, JsonParser parser) throws IOException {
        JsonLocation at = parser.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                Map<String, YamlNode> entries = new LinkedHashMap<>();
                Map<String, YamlNode.Scalar> keys = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    JsonLocation keyAt = parser.currentTokenLocation();
                    String key = parser.currentName();
                    YamlNode.Scalar keyNode = new YamlNode.Scalar(key, keyAt.getLineNr(), keyAt.getColumnNr());
                    if (keys.containsKey(key)) {
                        throw new ConfigFileException(source, keyNode.line(), keyNode.column(), key,
                                "is given twice (first on line " + keys.get(key).line() + ")", "keep one of them");
                    }
                    parser.nextToken();
                    keys.put(key, keyNode);
                    entries.put(key, read(source, parser));
                }
                return new YamlNode.Mapping(entries, keys, line, column);
            }
            case START_ARRAY -> {
                List<YamlNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(source, parser));
                }
                return new YamlNode.Sequence(items, line, column);
            }
            case VALUE_NULL -> {
                return new YamlNode.Scalar(null, line, column);
            }
            default -> {
                return new YamlNode.Scalar(parser.getText(), line, column);
            }
        }
    }
}
