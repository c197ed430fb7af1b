package dev.agentorchestrator;

/**
 * A feature name broke one of the naming rules (git's ref-name rules, path safety, or
 * uniqueness). {@link #rule()} names the rule so that a host can show or test for it.
 */
public class InvalidFeatureNameException extends OrchestratorException {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final String rule;

    public InvalidFeatureNameException(String name, String rule, String message) {
        super(message);
        this.name = name;
        this.rule = rule;
    }

    /** The name as it was given. */
    public String name() {
        return name;
    }

    /** A short, stable identifier of the rule that failed, such as {@code "no-double-dot"}. */
    public String rule() {
        return rule;
    }
}
