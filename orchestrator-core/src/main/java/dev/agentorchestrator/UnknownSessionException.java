package dev.agentorchestrator;

/** No session of that name exists in this orchestrator's repository. */
public class UnknownSessionException extends OrchestratorException {
    private static final long serialVersionUID = 1L;

    private final String name;

    public UnknownSessionException(String name, java.util.Collection<String> known) {
        super("No session named '" + name + "'. Known sessions: "
                + (known.isEmpty() ? "(none)" : String.join(", ", known))
                + ". Add it with Orchestrator.addFeature(...) first.");
        this.name = name;
    }

    public String name() {
        return name;
    }
}
