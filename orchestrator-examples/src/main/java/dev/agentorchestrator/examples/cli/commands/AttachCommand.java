package dev.agentorchestrator.examples.cli.commands;

import dev.agentorchestrator.examples.cli.CliException;
import dev.agentorchestrator.examples.cli.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

// LEAD: attach is registered but not built yet. The plan: stop the session through the engine (or
// await its turn), read its agentSessionId and worktree, run the agent's interactive CLI there with
// inherited stdio (claude --resume ID), and when it exits let the engine pick up new commits (a
// follow-up run of the after-turn step: CI). That last step needs an engine call for "the person
// worked on it" that the core does not have yet.
@Command(name = "attach", mixinStandardHelpOptions = true,
        description = "Hands a session's conversation to this terminal, resuming it in the agent's interactive CLI"
                + " (not available in this version).")
public final class AttachCommand implements Callable<Integer> {

    @Parameters(arity = "1", paramLabel = "NAME", description = "the session")
    String name;

    @Override
    public Integer call() {
        throw new CliException(ExitCodes.FAILURE, "attach is not available in this version. Meanwhile: 'agent-orchestrator stop "
                + name + "', then in the session's worktree run the agent's CLI with its session id (for Claude Code:"
                + " claude --resume <agentSessionId>, both shown by 'agent-orchestrator status --json').");
    }
}
