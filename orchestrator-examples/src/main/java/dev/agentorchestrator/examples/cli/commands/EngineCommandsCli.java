package dev.agentorchestrator.examples.cli.commands;

import dev.agentorchestrator.examples.cli.CliException;
import dev.agentorchestrator.examples.cli.ExitCodes;
import dev.agentorchestrator.examples.cli.RepositoryLayout;
import dev.agentorchestrator.examples.cli.SessionView;
import dev.agentorchestrator.examples.cli.config.OrchestratorConfig;
import dev.agentorchestrator.examples.cli.engine.EngineClient;
import dev.agentorchestrator.examples.cli.engine.EngineFiles;
import dev.agentorchestrator.examples.cli.engine.EngineProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The engine process's own commands: start, shutdown, dashboard. */
public final class EngineCommandsCli {

    private EngineCommandsCli() {
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Starts the repository's engine in the background (other commands do this on demand)."
                    + " It stops by itself after engine.idleTimeout with no live session and no client.")
    public static final class Start implements Callable<Integer> {
        @Option(names = "--foreground", description = "run the engine in this process, logging to the terminal, until Ctrl-C")
        boolean foreground;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            RepositoryLayout layout = Context.layout();
            OrchestratorConfig config = Context.config(layout);
            if (foreground) {
                return EngineProcess.run(layout, config, new PrintStream(System.out, true, StandardCharsets.UTF_8));
            }
            Optional<EngineClient> running = EngineClient.running(layout);
            EngineClient engine = running.orElseGet(() -> EngineClient.connect(layout));
            spec.commandLine().getOut().printf("engine %s on %s (pid %d); log: %s%n", running.isPresent() ? "already running" : "started",
                    engine.address().url(), engine.address().pid(), new EngineFiles(layout.engineDirectory()).logFile());
            return ExitCodes.OK;
        }
    }

    @Command(name = "shutdown", aliases = "stop-engine", mixinStandardHelpOptions = true,
            description = "Stops the repository's engine. Agents still working are ended and their sessions become INTERRUPTED;"
                    + " 'prompt' resumes them later.")
    public static final class Shutdown implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            RepositoryLayout layout = Context.layout();
            Optional<EngineClient> running = EngineClient.running(layout);
            if (running.isEmpty()) {
                spec.commandLine().getOut().println("no engine is running for this repository");
                return ExitCodes.OK;
            }
            long pid = running.get().address().pid();
            running.get().post("/api/shutdown", SessionView.JSON.createObjectNode());
            // Wait for the process to end, so that a command right after sees no engine.
            ProcessHandle.of(pid).ifPresent(p -> {
                try {
                    p.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new CliException(ExitCodes.ENGINE, "the engine (pid " + pid + ") did not stop within 60 s: " + e);
                }
            });
            spec.commandLine().getOut().printf("engine stopped (pid %d)%n", pid);
            return ExitCodes.OK;
        }
    }

    @Command(name = "dashboard", mixinStandardHelpOptions = true,
            description = "Prints the web dashboard's address (served by the engine), starting the engine if needed.")
    public static final class OpenDashboard implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            EngineClient engine = Context.engine(Context.layout());
            if (engine.statusOf("/") == 404) {
                throw new CliException(ExitCodes.FAILURE, "the engine at " + engine.address().url()
                        + " serves no dashboard; stop it (agent-orchestrator shutdown) and run this command again");
            }
            // The token in the address is traded for an HttpOnly cookie on the first visit.
            spec.commandLine().getOut().println(engine.address().url() + "/?token=" + engine.token());
            return ExitCodes.OK;
        }
    }
}
