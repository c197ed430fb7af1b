package dev.agentorchestrator.examples.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentorchestrator.examples.cli.CliException;
import dev.agentorchestrator.examples.cli.ExitCodes;
import dev.agentorchestrator.examples.cli.RepositoryLayout;
import dev.agentorchestrator.examples.cli.SessionView;
import dev.agentorchestrator.examples.cli.engine.EngineClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code drift} and {@code repair} (issue 15): a session whose worktree or branch someone changed
 * by hand. Both go through the engine, which owns the records: {@code drift} looks (and shows what
 * it finds in the session's attention), {@code repair} makes the record follow the repository.
 */
public final class RepairCommands {

    /** The library words its fixes for a Java host ({@code call repair("x")}); a person at a terminal gets the command. */
    private static final Pattern REPAIR_CALL = Pattern.compile("call repair\\(\"([^\"]+)\"\\)");
    private static final Pattern FORCED_REMOVE = Pattern.compile("RemoveRequest\\.of\\(\"([^\"]+)\"\\)\\.force\\(\\)");

    private RepairCommands() {
    }

    @Command(name = "drift", mixinStandardHelpOptions = true,
            description = "Shows how a session's record and the repository differ because someone changed a worktree or branch"
                    + " by hand (moved, removed, renamed, deleted, another branch checked out), and the fix. Changes nothing"
                    + " in the repository; what it finds shows in the session's attention.")
    public static final class Drift implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "NAME", description = "the sessions")
        List<String> names;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            RepositoryLayout layout = Context.layout();
            EngineClient engine = Context.engineFor(layout, names);
            for (String name : names) {
                print(spec.commandLine().getOut(), name, engine.get(EngineClient.sessionPath(name) + "/drift").path("drift"));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "repair", mixinStandardHelpOptions = true,
            description = "Makes a session's record follow the repository after a change by hand, where that loses nothing:"
                    + " adopts a moved worktree or a renamed branch, makes a removed worktree or a deleted branch again."
                    + " Another branch checked out in its worktree is not repaired (the message says what to run).")
    public static final class Repair implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "NAME", description = "the sessions")
        List<String> names;
        @Option(names = "--dry-run", description = "only show what differs and would be repaired (as 'drift')")
        boolean dryRun;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            RepositoryLayout layout = Context.layout();
            EngineClient engine = Context.engineFor(layout, names);
            PrintWriter out = spec.commandLine().getOut();
            for (String name : names) {
                if (dryRun) {
                    print(out, name, engine.get(EngineClient.sessionPath(name) + "/drift").path("drift"));
                    continue;
                }
                JsonNode answer;
                try {
                    answer = engine.post(EngineClient.sessionPath(name) + "/repair", SessionView.JSON.createObjectNode());
                } catch (CliException e) {
                    out.flush();
                    throw new CliException(e.exitCode(), forCli(e.getMessage()));
                }
                JsonNode repaired = answer.path("repaired");
                JsonNode s = answer.path("session");
                if (repaired.isNull() || repaired.isMissingNode()) {
                    out.printf("%s: nothing to repair (the record and the repository agree)%n", name);
                } else {
                    out.printf("%s: repaired %s: %s%n  now: branch %s, worktree %s%n", name, repaired.path("kind").asText(),
                            repaired.path("description").asText(), s.path("branch").asText(), s.path("worktree").asText("-"));
                }
            }
            return ExitCodes.OK;
        }
    }

    private static void print(PrintWriter out, String name, JsonNode drift) {
        if (drift.isNull() || drift.isMissingNode()) {
            out.printf("%s: the record and the repository agree%n", name);
            return;
        }
        out.printf("%s: %s: %s%n  fix: %s%n", name, drift.path("kind").asText(), drift.path("description").asText(),
                forCli(drift.path("fix").asText()));
        if (!drift.path("repairable").asBoolean()) {
            out.printf("  (not repaired by 'agent-orchestrator repair %s')%n", name);
        }
    }

    /** The library's advice with the command line's commands in place of the Java calls. */
    static String forCli(String text) {
        String cli = REPAIR_CALL.matcher(text).replaceAll(m -> "run 'agent-orchestrator repair " + Matcher.quoteReplacement(m.group(1)) + "'");
        return FORCED_REMOVE.matcher(cli).replaceAll(m -> "'agent-orchestrator remove " + Matcher.quoteReplacement(m.group(1)) + " --force'");
    }
}
