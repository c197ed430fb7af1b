package dev.agentorchestrator;

import java.time.Duration;

/** A wait for sessions to settle ran out of time; the sessions go on. */
public class AwaitTimeoutException extends OrchestratorException {
    private static final long serialVersionUID = 1L;

    public AwaitTimeoutException(Duration timeout, String what) {
        super("Waited " + timeout + " but " + what + ". The sessions keep running;"
                + " wait again, or stop them with Orchestrator.stop(name).");
    }
}
