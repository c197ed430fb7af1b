package dev.agentorchestrator.internal.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Wraps an agent's command line so that the agent does not outlive the JVM that started it.
 *
 * <p>The command runs as {@code [setsid] /bin/sh -c WATCHDOG agent-watchdog HOST_PID GRACE COMMAND...}.
 * {@code setsid} puts it in a session and process group of its own (its pid is the group's id);
 * the shell starts a small background loop and then {@code exec}s the agent, so the agent keeps
 * the pid Java reports, its exit code, and its standard streams. Once a second the loop reads the
 * agent's parent pid: while it is this JVM, all is well; when the agent is gone (or its pid now
 * names a process that started at another time), the loop ends;
 * when the parent is someone else (this JVM died and the agent was handed to init), it sends
 * SIGTERM to the agent's whole process group, waits the grace period and sends SIGKILL.
 *
 * <p>Without {@code setsid} on the PATH, Perl's {@code POSIX::setsid} does the same (macOS has
 * Perl but no {@code setsid}); with neither, the agent stays in the JVM's process group and the
 * watchdog can only end the agent process itself, not what it started. The system property
 * {@value #SESSION_PROPERTY} ({@code auto}, {@code setsid}, {@code perl}, {@code none}) overrides
 * the choice, and {@value #WATCHDOG_PROPERTY}{@code =false} leaves the watchdog out altogether (for a
 * host that prefers to find and adopt or end its agents after a restart).
 */
public final class AgentWatchdog {

    /** Chooses how the agent gets a session of its own: {@code auto} (default), {@code setsid}, {@code perl} or {@code none}. */
    public static final String SESSION_PROPERTY = "agentorchestrator.agentSession";

    /** {@code false} runs agents without the watchdog (and without a session of their own); default {@code true}. */
    public static final String WATCHDOG_PROPERTY = "agentorchestrator.agentWatchdog";

    /** The shell that runs the watchdog; POSIX guarantees it. */
    private static final String SHELL = "/bin/sh";

    // $1 the host's pid, $2 the grace in seconds, then the agent's command line. Where there is a
    // /proc, the loop reads the agent's parent and start time from /proc/PID/stat without forking
    // (the start time tells a reused pid from the agent); elsewhere it asks ps for the parent.
    private static final String SCRIPT = """
            host=$1; grace=$2; shift 2; agent=$$
            (
              exec </dev/null >/dev/null 2>&1
              started=
              if read -r line < "/proc/$agent/stat"; then set -- ${line##*) }; started=${20}; fi
              while sleep 1; do
                if [ -n "$started" ]; then
                  read -r line < "/proc/$agent/stat" || exit 0
                  set -- ${line##*) }
                  [ "${20}" = "$started" ] || exit 0
                  parent=$2
                else
                  parent=$(ps -o ppid= -p "$agent" 2>/dev/null)
                  parent=$(echo $parent)
                fi
                [ -n "$parent" ] || exit 0
                [ "$parent" = "$host" ] && continue
                trap '' TERM
                kill -TERM -"$agent" 2>/dev/null || kill -TERM "$agent" 2>/dev/null
                sleep "$grace"
                kill -KILL -"$agent" 2>/dev/null || kill -KILL "$agent" 2>/dev/null
                exit 0
              done
            ) &
            exec "$@"
            """;

    /** How the agent is given a session (and process group) of its own. */
    public enum SessionTool {
        /** util-linux {@code setsid}. */
        SETSID,
        /** {@code perl -e 'POSIX::setsid(); exec @ARGV'}. */
        PERL,
        /** No session of its own: the watchdog can end only the agent process. */
        NONE
    }

    private AgentWatchdog() {
    }

    /** The command line that runs {@code command} (its executable already resolved) under the watchdog. */
    public static List<String> wrap(List<String> command, Duration grace) {
        if (!enabled() || !Files.isExecutable(Path.of(SHELL))) {
            return command;
        }
        List<String> wrapped = new ArrayList<>();
        SessionTool tool = sessionTool();
        switch (tool) {
            case SETSID -> wrapped.add(find("setsid").orElseThrow().toString());
            case PERL -> wrapped.addAll(List.of(find("perl").orElseThrow().toString(), "-e",
                    "use POSIX (); POSIX::setsid(); exec @ARGV or die \"cannot run $ARGV[0]: $!\\n\""));
            case NONE -> { }
        }
        wrapped.addAll(List.of(SHELL, "-c", SCRIPT, "agent-watchdog", Long.toString(ProcessHandle.current().pid()),
                Long.toString(Math.max(1, grace.toSeconds()))));
        wrapped.addAll(command);
        return wrapped;
    }

    /** False when {@value #WATCHDOG_PROPERTY} is {@code false}. */
    public static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(WATCHDOG_PROPERTY, "true").trim());
    }

    /** The tool {@link #wrap} uses on this machine, as the system property and the PATH decide. */
    public static SessionTool sessionTool() {
        String chosen = System.getProperty(SESSION_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        switch (chosen) {
            case "none":
                return SessionTool.NONE;
            case "setsid":
                return find("setsid").isPresent() ? SessionTool.SETSID : SessionTool.NONE;
            case "perl":
                return find("perl").isPresent() ? SessionTool.PERL : SessionTool.NONE;
            default:
                if (find("setsid").isPresent()) {
                    return SessionTool.SETSID;
                }
                return find("perl").isPresent() ? SessionTool.PERL : SessionTool.NONE;
        }
    }

    private static Optional<Path> find(String tool) {
        return Executables.onHostPath(tool);
    }
}
