package dev.agentorchestrator.examples.cli.commands;

import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.examples.cli.CliException;
import dev.agentorchestrator.examples.cli.ExitCodes;
import dev.agentorchestrator.examples.cli.RepositoryLayout;
import dev.agentorchestrator.examples.cli.SessionView;
import dev.agentorchestrator.examples.cli.config.AgentSettings;
import dev.agentorchestrator.examples.cli.config.OrchestratorConfig;
import dev.agentorchestrator.examples.cli.engine.EngineClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Hands a session's conversation to the person at the terminal: lets the headless turn finish
 * (or stops it), then runs the agent's own interactive CLI in the session's worktree, resuming the
 * same conversation, with this terminal's stdin and stdout. When the person leaves it, the session
 * is the orchestrator's again.
 */
@Command(name = "attach", mixinStandardHelpOptions = true,
        description = "Hands a session's conversation to this terminal: waits for (or with --stop, stops) the headless turn,"
                + " then resumes the conversation in the agent's interactive CLI in the session's worktree"
                + " (claude --resume ID, codex resume ID). When you exit it, 'prompt' continues the session headless.")
public final class AttachCommand implements Callable<Integer> {

    @Parameters(arity = "1", paramLabel = "NAME", description = "the session")
    String name;
    @Option(names = "--stop", description = "stop a working agent now instead of waiting for its turn to end")
    boolean stop;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        RepositoryLayout layout = Context.layout();
        OrchestratorConfig config = Context.config(layout);
        Session session = Context.storedSession(layout, name);
        if (session.state() == SessionState.QUEUED) {
            throw new CliException(ExitCodes.FAILURE, name + " has not started yet (QUEUED); attach once its agent has worked");
        }
        if (!session.state().isSettled() || !session.pendingPrompts().isEmpty()) {
            EngineClient engine = Context.engine(layout);
            if (stop) {
                engine.post(EngineClient.sessionPath(name) + "/stop", SessionView.JSON.createObjectNode());
            } else {
                out.println(name + " is " + session.state() + "; waiting for its turn to end (--stop stops it now)");
                out.flush();
                engine.post(EngineClient.sessionPath(name) + "/await", SessionView.JSON.createObjectNode().put("timeoutSeconds", 7200),
                        Duration.ofHours(2).plusMinutes(1));
            }
            session = Context.storedSession(layout, name);
        }
        Path worktree = session.worktree().filter(Files::isDirectory).orElseThrow(() -> new CliException(ExitCodes.FAILURE,
                name + " has no worktree on disk; nothing to attach to"));
        String conversation = session.agentSessionId().orElseThrow(() -> new CliException(ExitCodes.FAILURE, name
                + "'s agent never reported a conversation id, so there is no conversation to resume; open its worktree instead: cd "
                + worktree));
        List<String> command = interactiveCommand(config.agentNamed(session.agent()), conversation, worktree);
        out.println("attaching to " + name + " in " + worktree + ": " + String.join(" ", command));
        out.println("(leave the agent to hand the session back to the orchestrator)");
        out.flush();
        int exit = new ProcessBuilder(command).directory(worktree.toFile()).inheritIO().start().waitFor();
        // LEAD: when the core can be told "the worktree changed outside a turn", call it here so that
        // commits made while attached get CI at once rather than on the session's next turn.
        out.println(name + " is back with the orchestrator (the agent exited with " + exit + "); 'agent-orchestrator prompt "
                + name + " TEXT' continues it headless");
        return ExitCodes.OK;
    }

    /** The agent's interactive command resuming the conversation, or an error naming what to do instead. */
    static List<String> interactiveCommand(AgentSettings agent, String conversation, Path worktree) {
        List<String> command = new ArrayList<>();
        switch (agent.name()) {
            case "claude-code" -> {
                command.addAll(List.of(agent.program().orElse("claude"), "--resume", conversation));
                agent.model().ifPresent(m -> command.addAll(List.of("--model", m)));
            }
            case "codex" -> command.addAll(List.of(agent.program().orElse("codex"), "resume", conversation));
            default -> throw new CliException(ExitCodes.FAILURE, "agent '" + agent.name() + "' cannot resume a conversation"
                    + " interactively; work in its worktree directly (cd " + worktree + "), then 'prompt' the session");
        }
        return command;
    }
}
