package dev.agentorchestrator.examples.cli.config;

import dev.agentorchestrator.ConfigurationException;

/**
 * A config file (or an environment variable that overrides it) holds something that cannot be
 * used. The message names the file, the line and column, the key, what is wrong and the fix:
 * {@code agent-orchestrator.yaml:4:3: maxParalel is not a known key; known keys here: ...}.
 */
public final class ConfigFileException extends ConfigurationException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final int column;
    private final String key;

    /**
     * @param source where the value came from: the file name, or an environment variable's name
     * @param line   1-based line, 0 when unknown
     * @param column 1-based column, 0 when unknown
     * @param key    the dotted key path, such as {@code setup.timeout}; empty for the whole file
     */
    public ConfigFileException(String source, int line, int column, String key, String problem, String fix) {
        super(source + (line > 0 ? ":" + line + ":" + column : "") + ": " + (key.isEmpty() ? "the file" : key) + " "
                + problem + (fix.isEmpty() ? "" : "; " + fix));
        this.source = source;
        this.line = line;
        this.column = column;
        this.key = key;
    }

    /** The file name or environment variable the bad value came from. */
    public String source() {
        return source;
    }

    /** 1-based line of the bad value, 0 when unknown. */
    public int line() {
        return line;
    }

    /** 1-based column of the bad value, 0 when unknown. */
    public int column() {
        return column;
    }

    /** The dotted key path, such as {@code setup.timeout}; empty when the whole file is wrong. */
    public String key() {
        return key;
    }
}
