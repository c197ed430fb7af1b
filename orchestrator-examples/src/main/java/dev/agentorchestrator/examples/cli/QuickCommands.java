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
 * <p>With an engine running, {@code status} also shows the engine's overlaps and forecast, which
 * the engine keeps in a file of its folder (the engine's {@code CoordinationFile}), so this path
 * does not ask it over HTTP either. Anything else is not this class's business and it answers
 * {@link #NOT_MINE}, so that the full command line handles it with the same result: another
 * option ({@code --watch}, {@code --help}, a typo), an engine whose file is missing or not its
 * own yet, or a stored record that only the state store can read or explain.
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
        // With an engine running, status shows its overlaps and forecast too: from the file it keeps
        // them in, or, when that is missing or not the running engine's, by asking it (the full command line).
        Optional<Map<?, ?>> coordination = Optional.empty();
        if (status) {
            long engine = runningEngine(layout);
            if (engine == UNKNOWN) {
                return NOT_MINE;
            }
            if (engine != NONE) {
                coordination = coordinationOf(layout, engine);
                if (coordination.isEmpty()) {
                    return NOT_MINE;
                }
            }
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
                out.print(coordination.isPresent() ? (String) coordination.get().get("text") : CoordinationView.NO_ENGINE + "\n");
            }
        } else {
            out.println(json(layout, sessions.get(), coordination));
        }
        out.flush();
        if (out.checkError()) {
            err.println("agent-orchestrator: cannot write the output (is the reading end of the pipe closed?)");
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }

    /** The same document as {@code status --json} prints (docs/cli.md). */
    private static String json(RepositoryLayout layout, List<Session> sessions, Optional<Map<?, ?>> coordination) {
        JsonText.Writer g = new JsonText.Writer();
        g.beginObject();
        g.name("repository").value(layout.mainWorktree().toString());
        g.name("sessions").beginArray();
        for (Session s : sessions) {
            SessionJsonWriter.write(g, s);
        }
        g.endArray();
        g.name("engineRunning").value(coordination.isPresent());
        if (coordination.isPresent()) {
            g.name("overlaps").json(coordination.get().get("overlaps"));
            g.name("forecast").json(coordination.get().get("forecast"));
        } else {
            g.name("overlaps").nullValue();
            g.name("forecast").nullValue();
            g.name("note").value(CoordinationView.NO_ENGINE);
        }
        g.endObject();
        return g.toString();
    }

    /** {@link #runningEngine}: no engine runs. */
    private static final long NONE = 0;
    /** {@link #runningEngine}: one may run, but which cannot be told. */
    private static final long UNKNOWN = -1;

    /**
     * The pid of the engine that runs for this repository, {@link #NONE} when none runs for
     * certain (no address file, or one naming a process that is gone: an engine killed with
     * SIGKILL leaves its file behind), {@link #UNKNOWN} when the file cannot be read.
     */
    private static long runningEngine(RepositoryLayout layout) {
        Optional<Object> document = readJson(layout.engineDirectory().resolve("engine.json"));
        if (document.isEmpty()) {
            return NONE;
        }
        if (document.get() instanceof Map<?, ?> engine && engine.get("pid") instanceof Long pid && pid > 0) {
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            return process.isPresent() && process.get().isAlive() ? pid : NONE;
        }
        return UNKNOWN;
    }

    /** The overlaps and forecast the engine {@code pid} keeps in its folder, or empty when the file is not its. */
    private static Optional<Map<?, ?>> coordinationOf(RepositoryLayout layout, long pid) {
        Optional<Object> document = readJson(layout.engineDirectory().resolve("coordination.json"));
        if (document.isPresent() && document.get() instanceof Map<?, ?> c && c.get("pid") instanceof Long owner && owner == pid
                && c.get("text") instanceof String && c.containsKey("overlaps") && c.containsKey("forecast")) {
            return Optional.of(c);
        }
        return Optional.empty();
    }

    /** A file's JSON; empty when it does not exist; a value that is not a map when it cannot be read. */
    private static Optional<Object> readJson(Path file) {
        try (InputStream in = new FileInputStream(file.toFile())) {
            return Optional.of(JsonText.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (java.io.FileNotFoundException none) {
            return file.toFile().exists() ? Optional.of("unreadable") : Optional.empty();
        } catch (IOException | RuntimeException unreadable) {
            return Optional.of("unreadable");
        }
    }
}
