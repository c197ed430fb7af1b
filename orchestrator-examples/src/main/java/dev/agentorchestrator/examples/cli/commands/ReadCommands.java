package dev.agentorchestrator.examples.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.examples.cli.CoordinationView;
import dev.agentorchestrator.examples.cli.ExitCodes;
import dev.agentorchestrator.examples.cli.RepositoryLayout;
import dev.agentorchestrator.examples.cli.SessionView;
import dev.agentorchestrator.examples.cli.StatusTable;
import dev.agentorchestrator.spi.SessionLog;
import dev.agentorchestrator.spi.StateStore;
import dev.agentorchestrator.store.StateStores;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The read-only commands: they read the stored state directly (no engine, no JGit), so they are
 * quick and work while no engine runs. Only {@code status} asks a running engine (never starting
 * one) for what exists only there: the overlaps and the forecast.
 */
public final class ReadCommands {

    private ReadCommands() {
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Shows every session: state, progress, CI, cost, turns, last activity, age, attention and message;"
                    + " then the overlaps and conflicts forecast by a running engine.")
    public static final class Status implements Callable<Integer> {
        @Option(names = "--json", description = "print JSON: {\"repository\", \"sessions\": [...], \"overlaps\", \"forecast\"} (fields in docs/cli.md)")
        boolean json;
        @Option(names = {"-w", "--watch"}, description = "redraw every --interval until interrupted")
        boolean watch;
        @Option(names = "--interval", paramLabel = "MILLIS", defaultValue = "1000", description = "how often --watch redraws (default ${DEFAULT-VALUE})")
        long intervalMillis;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            RepositoryLayout layout = Context.layout();
            PrintWriter out = spec.commandLine().getOut();
            do {
                List<Session> sessions = Context.sessions(layout);
                Optional<StatusTable.Coordination> coordination = Context.coordination(layout);
                if (json) {
                    ObjectNode n = SessionView.JSON.createObjectNode();
                    n.put("repository", layout.mainWorktree().toString());
                    n.set("sessions", SessionView.toJson(sessions));
                    n.put("engineRunning", coordination.isPresent());
                    if (coordination.isPresent()) {
                        n.set("overlaps", CoordinationView.overlapsToJson(coordination.get().overlaps()));
                        n.set("forecast", CoordinationView.forecastToJson(coordination.get().forecast()));
                    } else {
                        n.putNull("overlaps");
                        n.putNull("forecast");
                        n.put("note", CoordinationView.NO_ENGINE);
                    }
                    out.println(n.toPrettyString());
                } else {
                    if (watch && System.console() != null) {
                        out.print("\033[H\033[2J");
                    }
                    out.print(StatusTable.render(sessions, Instant.now()));
                    if (!sessions.isEmpty()) {
                        out.print(StatusTable.coordination(coordination));
                    }
                    if (watch) {
                        out.println();
                    }
                }
                out.flush();
                if (watch) {
                    Thread.sleep(Math.max(100, intervalMillis));
                }
            } while (watch);
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true,
            description = "Lists the sessions: name, state and branch, one a line.")
    public static final class ListSessions implements Callable<Integer> {
        @Option(names = {"-q", "--quiet"}, description = "names only")
        boolean quiet;
        @Option(names = "--json", description = "print the sessions as a JSON list (the fields of status --json, docs/cli.md)")
        boolean json;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(SessionView.toJson(Context.sessions(Context.layout())).toPrettyString());
                return ExitCodes.OK;
            }
            for (Session s : Context.sessions(Context.layout())) {
                if (quiet) {
                    out.println(s.name());
                } else {
                    out.printf("%s\t%s\t%s%n", s.name(), s.state(), s.branch());
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true,
            description = "Prints a session's transcript: the agent's output, setup and CI output, the orchestrator's notes.")
    public static final class Logs implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "the session")
        String name;
        @Option(names = {"-f", "--follow"}, description = "keep printing new lines as they come, until interrupted")
        boolean follow;
        @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "200", description = "how many of the last lines to print first (default ${DEFAULT-VALUE})")
        int lines;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException, InterruptedException {
            RepositoryLayout layout = Context.layout();
            Context.storedSession(layout, name);
            PrintWriter out = spec.commandLine().getOut();
            Path file;
            try (StateStore store = StateStores.jsonFiles(layout.commonGitDir())) {
                SessionLog log = store.log(name);
                log.tail(Math.max(0, lines)).forEach(out::println);
                out.flush();
                file = log.file().orElse(null);
            }
            if (!follow || file == null) {
                return ExitCodes.OK;
            }
            long position = Files.exists(file) ? Files.size(file) : 0;
            while (true) {
                long size = Files.exists(file) ? Files.size(file) : 0;
                if (size < position) {
                    position = 0; // the session was removed and made again
                }
                if (size > position) {
                    try (InputStream in = Files.newInputStream(file)) {
                        in.skipNBytes(position);
                        byte[] chunk = in.readNBytes((int) Math.min(Integer.MAX_VALUE, size - position));
                        out.print(new String(chunk, StandardCharsets.UTF_8));
                        out.flush();
                        position += chunk.length;
                    }
                }
                Thread.sleep(200);
            }
        }
    }
}
