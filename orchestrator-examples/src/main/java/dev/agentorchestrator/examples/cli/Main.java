package dev.agentorchestrator.examples.cli;

import dev.agentorchestrator.OrchestratorException;
import dev.agentorchestrator.UnknownSessionException;
import dev.agentorchestrator.examples.cli.commands.AttachCommand;
import dev.agentorchestrator.examples.cli.commands.CleanupCommand;
import dev.agentorchestrator.examples.cli.commands.CompletionCommand;
import dev.agentorchestrator.examples.cli.commands.ForecastCommand;
import dev.agentorchestrator.examples.cli.commands.DemoCommand;
import dev.agentorchestrator.examples.cli.commands.DoctorCommand;
import dev.agentorchestrator.examples.cli.commands.EngineCommandsCli;
import dev.agentorchestrator.examples.cli.commands.InitCommand;
import dev.agentorchestrator.examples.cli.commands.PlanCommand;
import dev.agentorchestrator.examples.cli.commands.RepairCommands;
import dev.agentorchestrator.examples.cli.commands.ReadCommands;
import dev.agentorchestrator.examples.cli.commands.SessionCommands;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code agent-orchestrator}: the command line. Subcommands live in
 * {@code dev.agentorchestrator.examples.cli.commands}; exit codes are in {@link ExitCodes}.
 */
@Command(name = "agent-orchestrator", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Runs coding-agent sessions in parallel, each in its own git worktree and branch.%n"
                + "Commands that change sessions talk to the repository's engine process, started on demand;"
                + " status, list and logs read the stored state directly.",
        subcommands = {
            InitCommand.class,
            SessionCommands.Create.class,
            SessionCommands.Prompt.class,
            ReadCommands.Status.class,
            ReadCommands.ListSessions.class,
            ReadCommands.Logs.class,
            SessionCommands.Stop.class,
            SessionCommands.Release.class,
            SessionCommands.Remove.class,
            SessionCommands.Merge.class,
            SessionCommands.RunCi.class,
            RepairCommands.Drift.class,
            RepairCommands.Repair.class,
            PlanCommand.class,
            ForecastCommand.class,
            AttachCommand.class,
            CleanupCommand.class,
            DoctorCommand.class,
            EngineCommandsCli.Start.class,
            EngineCommandsCli.Shutdown.class,
            EngineCommandsCli.OpenDashboard.class,
            DemoCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:it worked",
            "1:it failed (git, agent, config or state); the message says why",
            "2:usage error: unknown command or option, missing argument",
            "3:no such session",
            "4:the engine could not be reached or started, refused the token, or another engine holds the repository"
        })
public final class Main implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("agent-orchestrator: name a command");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** The command line, configured; {@code execute(args)} returns the exit code. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExitCodeExceptionMapper(Main::exitCodeOf);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof CliException || e instanceof OrchestratorException) {
                err.println("agent-orchestrator: " + e.getMessage());
            } else {
                err.println("agent-orchestrator: unexpected error: " + e);
                e.printStackTrace(err);
            }
            err.flush();
            return exitCodeOf(e);
        });
        return cl;
    }

    static int exitCodeOf(Throwable e) {
        if (e instanceof CliException c) {
            return c.exitCode();
        }
        if (e instanceof UnknownSessionException) {
            return ExitCodes.NOT_FOUND;
        }
        if (e instanceof CommandLine.ParameterException) {
            return ExitCodes.USAGE;
        }
        return ExitCodes.FAILURE;
    }

    /** Runs the command line and returns the exit code. */
    public static int run(String[] args) {
        return commandLine().execute(args);
    }

    /**
     * The full command line for every command. The jar starts at {@link CliEntry} instead, which
     * answers the common forms of status and list before picocli is loaded.
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }
}
