package dev.agentorchestrator.examples.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.examples.cli.CliException;
import dev.agentorchestrator.examples.cli.ExitCodes;
import dev.agentorchestrator.examples.cli.GitCommand;
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
 * is the orchestrator's again, and commits made meanwhile are tested at once.
 */
@Command(name = "attach", mixinStandardHelpOptions = true,
        description = "Hands a session's conversation to this terminal: waits for (or with --stop, stops) the headless turn,"
                + " then resumes the conversation in the agent's interactive CLI in the session's worktree"
                + " (claude --resume ID, codex resume ID). When you exit it, commits you made get CI at once, and 'prompt'"
                + " continues the session headless.")
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
        Path worktree = session.worktree().filter(Files::isDirectory).orElseThrow(() -> new CliException(ExitCodes.FAILURE,
                name + " has no worktree on disk; nothing to attach to"));
        // An agent that cannot resume interactively is refused before anything is held.
        AgentSettings agent = config.agentNamed(session.agent());
        interactiveCommand(agent, "", worktree);
        EngineClient engine = Context.engine(layout);
        session = holdForThisTerminal(engine, layout, session, out);
        String headBefore = head(worktree);
        try {
            String conversation = session.agentSessionId().orElseThrow(() -> new CliException(ExitCodes.FAILURE, name
                    + "'s agent never reported a conversation id, so there is no conversation to resume; open its worktree instead: cd "
                    + worktree));
            List<String> command = interactiveCommand(agent, conversation, worktree);
            out.println("attaching to " + name + " in " + worktree + ": " + String.join(" ", command));
            out.println("(leave the agent to hand the session back to the orchestrator; until then it starts no turn,"
                    + " and prompts wait)");
            out.flush();
            int exit = new ProcessBuilder(command).directory(worktree.toFile()).inheritIO().start().waitFor();
            out.println(name + " is back with the orchestrator (the agent exited with " + exit + "); 'agent-orchestrator prompt "
                    + name + " TEXT' continues it headless");
        } finally {
            handBack(layout, worktree, headBefore, out);
        }
        return ExitCodes.OK;
    }

    /**
     * Lets the headless turn end (or stops it) and holds the session for this terminal, so that no
     * turn starts on the same conversation while the person works in it; the engine releases the
     * hold by itself if this process ends without doing so. A prompt queued meanwhile may start a
     * turn between the wait and the hold: then the wait begins again.
     */
    private Session holdForThisTerminal(EngineClient engine, RepositoryLayout layout, Session session, PrintWriter out) {
        String why = "attached at a terminal by pid " + ProcessHandle.current().pid() + " since "
                + java.time.LocalTime.now().withNano(0) + "; no turn starts until it ends ('agent-orchestrator release " + name
                + "' if that terminal is gone)";
        for (int attempt = 1; ; attempt++) {
            if (!session.state().isSettled() || !session.pendingPrompts().isEmpty()) {
                if (stop) {
                    engine.post(EngineClient.sessionPath(name) + "/stop", SessionView.JSON.createObjectNode());
                } else {
                    out.println(name + " is " + session.state() + "; waiting for its turn to end (--stop stops it now)");
                    out.flush();
                    engine.post(EngineClient.sessionPath(name) + "/await", SessionView.JSON.createObjectNode().put("timeoutSeconds", 7200),
                            Duration.ofHours(2).plusMinutes(1));
                }
            }
            try {
                engine.post(EngineClient.sessionPath(name) + "/hold", SessionView.JSON.createObjectNode().put("why", why)
                        .put("pid", ProcessHandle.current().pid()));
                return Context.storedSession(layout, name);
            } catch (CliException busy) {
                if (attempt == 3) {
                    throw busy;
                }
                session = Context.storedSession(layout, name);
            }
        }
    }

    /**
     * After the person left the agent: commits made meanwhile get CI now (asked for while the
     * session is still held, so that no waiting prompt's turn takes its place), then the hold ends
     * and the prompts that waited start.
     */
    private void handBack(RepositoryLayout layout, Path worktree, String headBefore, PrintWriter out) {
        EngineClient engine = Context.engine(layout);
        String headAfter = head(worktree);
        if (!headAfter.isEmpty() && !headAfter.equals(headBefore)) {
            try {
                engine.post(EngineClient.sessionPath(name) + "/ci", SessionView.JSON.createObjectNode());
                out.println("new commits (now at " + abbreviate(headAfter) + "): CI runs on them ('agent-orchestrator status' shows the"
                        + " result; 'agent-orchestrator ci " + name + " --wait' waits for it)");
            } catch (CliException refused) {
                out.println("new commits (now at " + abbreviate(headAfter) + "), but CI could not start now: " + refused.getMessage()
                        + "; the session's next turn tests them");
            }
        }
        JsonNode released = engine.post(EngineClient.sessionPath(name) + "/release", SessionView.JSON.createObjectNode());
        int waiting = released.path("pendingPrompts").asInt();
        if (waiting > 0) {
            out.println(waiting + " prompt(s) sent while attached start now");
        }
        out.flush();
    }

    /** The worktree's HEAD commit, or empty when git cannot say (the worktree was removed meanwhile). */
    private static String head(Path worktree) {
        GitCommand.Result r = GitCommand.git(worktree, "rev-parse", "--verify", "-q", "HEAD");
        return r.ok() ? r.output().strip() : "";
    }

    private static String abbreviate(String commit) {
        return commit.length() > 12 ? commit.substring(0, 12) : commit;
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
