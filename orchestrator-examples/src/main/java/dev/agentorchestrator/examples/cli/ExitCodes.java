package dev.agentorchestrator.examples.cli;

/** The command line's exit codes, documented in docs/cli.md. */
public final class ExitCodes {
    /** It worked. */
    public static final int OK = 0;
    /** It failed: a git, agent, config or state problem; the message says which. */
    public static final int FAILURE = 1;
    /** The command line itself was wrong: unknown command or option, missing argument. */
    public static final int USAGE = 2;
    /** A session (or another named thing) does not exist. */
    public static final int NOT_FOUND = 3;
    /** The engine could not be reached or started, refused the token, or another engine holds the repository. */
    public static final int ENGINE = 4;

    private ExitCodes() {
    }
}
