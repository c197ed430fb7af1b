package dev.agentorchestrator;

/**
 * A session was asked to move between two states that the lifecycle does not connect. Inside
 * the engine this is a bug; from the API it means the call does not fit the session's state
 * (for example merging a session that is still running).
 */
public class IllegalStateTransitionException extends OrchestratorException {
    private static final long serialVersionUID = 1L;

    private final String session;
    private final SessionState from;
    private final SessionState to;

    public IllegalStateTransitionException(String session, SessionState from, SessionState to) {
        super("Session '" + session + "' cannot go from " + from + " to " + to
                + "; from " + from + " it may go to " + from.successors() + ".");
        this.session = session;
        this.from = from;
        this.to = to;
    }

    public IllegalStateTransitionException(String session, SessionState from, SessionState to, String message) {
        super(message);
        this.session = session;
        this.from = from;
        this.to = to;
    }

    public String session() {
        return session;
    }

    public SessionState from() {
        return from;
    }

    public SessionState to() {
        return to;
    }
}
