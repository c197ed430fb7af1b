package dev.agentorchestrator.examples.cli;

import dev.agentorchestrator.Session;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code status} and {@code list} in their common forms, answered before picocli is even loaded:
 * a person types {@code status} often and expects it as quick as {@code git status}. A JVM's
 * start-up cost is mostly the classes it loads, so this path loads only a small JSON reader and
 * writer ({@link JsonText}), the session records and the table (see {@link StoredSessions});
 * picocli's model of the twenty commands, Jackson, the HTTP client, the state store, JGit and the
 * engine stay unloaded.
 *
 * <p>Anything else is not this class's business and it answers {@link #NOT_MINE}, so that the
 * full command line handles it with the same result: another option ({@code --watch},
 * {@code --help}, a typo), a running engine (whose overlaps and forecast {@code status} shows),
 * or a stored record that only the state store can read or explain.
 */
public final class QuickCommands {

    /** The arguments are for the full command line. */
    public static final int NOT_MINE = -1;

    private static final Set<String> LIST = Set.of("list", "ls");

    private QuickCommands() {
    }

    /**
     * Runs the command in {@code workingDirectory} if it is one of the quick forms and returns its
     * exit code, else {@link #NOT_MINE}.
     */
    public static int run(String[] args, Path workingDirectory, PrintStream out, PrintStream err) {
        if (args.length == 0 || args.length > 2) {
            return NOT_MINE;
        }
        String option = args.length == 2 ? args[1] : null;
        boolean status = args[0].equals("status") && (option == null || option.equals("--json"));
        boolean list = LIST.contains(args[0]) && (option == null || option.equals("-q") || option.equals("--quiet"));
        if (!status && !list) {
            return NOT_MINE;
        }
        RepositoryLayout layout;
        try {
            layout = RepositoryLayout.locate(workingDirectory);
        } catch (CliException e) {
            err.println("agent-orchestrator: " + e.getMessage());
            return e.exitCode();
        }
        if (status && engineMayRun(layout)) {
            return NOT_MINE;
        }
        Optional<List<Session>> sessions = StoredSessions.read(layout.commonGitDir());
        if (sessions.isEmpty()) {
            return NOT_MINE;
        }
        if (list) {
            for (Session s : sessions.get()) {
                out.println(option == null ? s.name() + "\t" + s.state() + "\t" + s.branch() : s.name());
            }
        } else if (option == null) {
            out.print(StatusTable.render(sessions.get(), Instant.now()));
            if (!sessions.get().isEmpty()) {
                out.println(CoordinationView.NO_ENGINE);
            }
        } else {
            out.println(json(layout, sessions.get()));
        }
        out.flush();
        if (out.checkError()) {
            err.println("agent-orchestrator: cannot write the output (is the reading end of the pipe closed?)");
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }

    /** The same document as {@code status --json} prints when no engine runs (docs/cli.md). */
    private static String json(RepositoryLayout layout, List<Session> sessions) {
        JsonText.Writer g = new JsonText.Writer();
        g.beginObject();
        g.name("repository").value(layout.mainWorktree().toString());
        g.name("sessions").beginArray();
        for (Session s : sessions) {
            SessionJsonWriter.write(g, s);
        }
        g.endArray();
        g.name("engineRunning").value(false);
        g.name("overlaps").nullValue();
        g.name("forecast").nullValue();
        g.name("note").value(CoordinationView.NO_ENGINE);
        g.endObject();
        return g.toString();
    }

    /**
     * False only when no engine runs for certain: no address file, or one naming a process that
     * is gone (an engine killed with SIGKILL leaves its file behind).
     */
    private static boolean engineMayRun(RepositoryLayout layout) {
        Path address = layout.engineDirectory().resolve("engine.json");
        Object document;
        try (InputStream in = new FileInputStream(address.toFile())) {
            document = JsonText.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (java.io.FileNotFoundException none) {
            return address.toFile().exists();
        } catch (IOException | RuntimeException unreadable) {
            return true;
        }
        if (document instanceof Map<?, ?> engine && engine.get("pid") instanceof Long pid) {
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            return process.isPresent() && process.get().isAlive();
        }
        return true;
    }
}
