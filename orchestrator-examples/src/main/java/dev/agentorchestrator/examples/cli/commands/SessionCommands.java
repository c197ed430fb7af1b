package dev.agentorchestrator.examples.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.examples.cli.CliException;
import dev.agentorchestrator.examples.cli.ExitCodes;
import dev.agentorchestrator.examples.cli.RepositoryLayout;
import dev.agentorchestrator.examples.cli.SessionView;
import dev.agentorchestrator.examples.cli.engine.EngineClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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

/** The commands that change sessions, through the engine: create, prompt, stop, remove, ci (and merge). */
public final class SessionCommands {

    private SessionCommands() {
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Adds features: each gets a worktree, a branch and an agent session (queued under the bound).")
    public static final class Create implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "NAME", description = "feature names (they become branches and folders)")
        List<String> names;
        @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "the task for the agent (read from standard input when left out and piped)")
        String prompt;
        @Option(names = "--agent", paramLabel = "NAME", description = "the agent for these features: claude-code, codex, gemini, aider, command, demo (default: the config's)")
        String agent;
        @Option(names = "--depends-on", paramLabel = "NAME", description = "a feature this one needs (repeatable); it starts after"
                + " that feature is merged, or with --stacked at once on top of its branch")
        List<String> dependsOn = new ArrayList<>();
        @Option(names = "--stacked", description = "start at once on top of the --depends-on feature's branch (exactly one),"
                + " following its new commits, instead of after it merged (docs/coordination.md)")
        boolean stacked;
        @Option(names = "--base", paramLabel = "BRANCH", description = "the branch to start from (default: the config's or the current branch)")
        String base;
        @Option(names = "--json", description = "print the created sessions as JSON")
        boolean json;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (stacked && dependsOn.size() != 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--stacked stacks on the branch of exactly one feature,"
                        + " but --depends-on names " + (dependsOn.isEmpty() ? "none" : dependsOn.size() + ": " + dependsOn)
                        + "; give one --depends-on NAME (stack c on b, b on a for a chain), or leave --stacked out to start"
                        + " after all of them merged");
            }
            String task = prompt != null ? prompt : stdinOrUsage(spec, "give the task with --prompt TEXT (or pipe it in)");
            ObjectNode body = SessionView.JSON.createObjectNode();
            ArrayNode features = body.putArray("features");
            for (String name : names) {
                ObjectNode f = features.addObject().put("name", name).put("prompt", task);
                if (agent != null) {
                    f.put("agent", agent);
                }
                if (base != null) {
                    f.put("baseBranch", base);
                }
                dependsOn.forEach(f.putArray("dependsOn")::add);
                f.put("dependencyMode", stacked ? "stacked" : "sequential");
            }
            JsonNode answer = Context.engine(Context.layout()).post("/api/features", body);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(answer.path("sessions").toPrettyString());
            } else {
                for (JsonNode s : answer.path("sessions")) {
                    out.printf("created %s (%s) on branch %s%s%n", s.path("name").asText(), s.path("state").asText(), s.path("branch").asText(),
                            waits(s));
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "prompt", mixinStandardHelpOptions = true,
            description = "Sends a task or a follow-up to a session: an idle, waiting, stopped or interrupted one continues its conversation;"
                    + " a working one gets it when its turn ends.")
    public static final class Prompt implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "the session")
        String name;
        @Parameters(index = "1", arity = "0..1", paramLabel = "TEXT", description = "the prompt (or --file, or standard input)")
        String text;
        @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "read the prompt from this file")
        Path file;
        @Option(names = {"-w", "--wait"}, description = "wait until the session settles and print its state")
        boolean await;
        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3600", description = "how long --wait waits (default ${DEFAULT-VALUE})")
        long timeoutSeconds;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            String prompt;
            if (text != null && file != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give the prompt as TEXT or with --file, not both");
            } else if (text != null) {
                prompt = text;
            } else if (file != null) {
                prompt = Files.readString(file, StandardCharsets.UTF_8);
            } else {
                prompt = stdinOrUsage(spec, "give the prompt as TEXT, with --file FILE, or on standard input");
            }
            EngineClient engine = Context.engine(Context.layout());
            JsonNode session = engine.post(EngineClient.sessionPath(name) + "/prompt",
                    SessionView.JSON.createObjectNode().put("prompt", prompt));
            PrintWriter out = spec.commandLine().getOut();
            String attention = session.path("attention").asText("");
            if (attention.startsWith(dev.agentorchestrator.Session.HANDED_OVER)) {
                out.printf("%s: the prompt waits; %s%n", name, attention);
                out.flush();
            }
            if (!await) {
                out.printf("%s: prompt sent (%s)%n", name, session.path("state").asText());
                return ExitCodes.OK;
            }
            JsonNode settled = engine.post(EngineClient.sessionPath(name) + "/await",
                    SessionView.JSON.createObjectNode().put("timeoutSeconds", timeoutSeconds), Duration.ofSeconds(timeoutSeconds + 30));
            out.printf("%s: %s%s%n", name, settled.path("state").asText(),
                    settled.path("message").asText().isEmpty() ? "" : " - " + settled.path("message").asText());
            return settled.path("state").asText().equals("FAILED") ? ExitCodes.FAILURE : ExitCodes.OK;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stops a session's agent; its worktree and branch stay, and 'prompt' resumes it.")
    public static final class Stop implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "NAME", description = "the sessions")
        List<String> names;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            EngineClient engine = Context.engine(Context.layout());
            for (String name : names) {
                JsonNode s = engine.post(EngineClient.sessionPath(name) + "/stop", SessionView.JSON.createObjectNode());
                spec.commandLine().getOut().printf("%s: %s%n", name, s.path("state").asText());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true,
            description = "Ends the hold 'attach' puts on a session (no turn starts while a person works in it), for when that"
                    + " terminal is gone without handing the session back; prompts that waited start.")
    public static final class Release implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "NAME", description = "the sessions")
        List<String> names;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            EngineClient engine = Context.engineFor(Context.layout(), names);
            for (String name : names) {
                JsonNode s = engine.post(EngineClient.sessionPath(name) + "/release", SessionView.JSON.createObjectNode());
                int waiting = s.path("pendingPrompts").asInt();
                spec.commandLine().getOut().printf("%s: released (%s%s)%n", name, s.path("state").asText(),
                        waiting > 0 ? ", " + waiting + " prompt(s) start" : "");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", aliases = "rm", mixinStandardHelpOptions = true,
            description = "Removes a session: stops it, removes its worktree and branch, deletes its record and transcript.")
    public static final class Remove implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "NAME", description = "the sessions")
        List<String> names;
        @Option(names = "--keep-branch", description = "keep the branch (and its commits)")
        boolean keepBranch;
        @Option(names = "--force", description = "remove even with uncommitted changes or an unmerged branch")
        boolean force;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            EngineClient engine = Context.engineFor(Context.layout(), names);
            for (String name : names) {
                try {
                    engine.delete(EngineClient.sessionPath(name) + "?keepBranch=" + keepBranch + "&force=" + force);
                } catch (CliException e) {
                    if (e.exitCode() != ExitCodes.FAILURE) {
                        throw e;
                    }
                    throw new CliException(e.exitCode(), e.getMessage() + " (here: 'remove " + name + " --keep-branch' keeps the"
                            + " branch, 'remove " + name + " --force' removes it anyway)");
                }
                spec.commandLine().getOut().printf("removed %s%s%n", name, keepBranch ? " (branch kept)" : "");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "merge", mixinStandardHelpOptions = true,
            description = "Merges finished features into their base branch: one with a strategy, or several (or --all)"
                    + " through the merge queue, which tests each merge result before the base moves. See docs/merge.md.")
    public static final class Merge implements Callable<Integer> {
        @Parameters(arity = "0..*", paramLabel = "NAME", description = "the sessions")
        List<String> names = new ArrayList<>();
        @Option(names = "--all", description = "every session that is ready to merge, through the merge queue")
        boolean all;
        @Option(names = "--strategy", paramLabel = "STRATEGY", description = "merge (default), squash, ff-only or rebase;"
                + " for one feature")
        String strategy;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (all == !names.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "name the features to merge, or give --all (not both)");
            }
            if (strategy != null && (all || names.size() > 1)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--strategy is for one feature; the merge queue"
                        + " merges with merge commits");
            }
            if (strategy != null) {
                try {
                    dev.agentorchestrator.examples.cli.MergeStrategies.parse(strategy); // a usage error before any engine starts
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
                }
            }
            RepositoryLayout layout = Context.layout();
            names.forEach(n -> Context.storedSession(layout, n));
            EngineClient engine = Context.engine(layout);
            List<JsonNode> results = new ArrayList<>();
            if (names.size() == 1) {
                ObjectNode body = SessionView.JSON.createObjectNode();
                if (strategy != null) {
                    body.put("strategy", strategy);
                }
                results.add(engine.post(EngineClient.sessionPath(names.get(0)) + "/merge", body, Duration.ofHours(1)));
            } else {
                ObjectNode body = SessionView.JSON.createObjectNode();
                var list = body.putArray("features");
                names.forEach(list::add);
                engine.post("/api/merge-queue", body, Duration.ofHours(2)).path("results").forEach(results::add);
            }
            boolean allMerged = true;
            for (JsonNode r : results) {
                spec.commandLine().getOut().printf("%s: %s - %s%n", r.path("feature").asText(), r.path("outcome").asText(),
                        r.path("message").asText());
                allMerged &= r.path("merged").asBoolean() || r.path("outcome").asText().equals("ALREADY_MERGED");
            }
            return allMerged ? ExitCodes.OK : ExitCodes.FAILURE;
        }
    }

    @Command(name = "ci", mixinStandardHelpOptions = true,
            description = "Runs CI on a session's branch head now (or when a CI slot is free), even if that commit was tested."
                    + " The session must be IDLE or READY_TO_MERGE.")
    public static final class RunCi implements Callable<Integer> {
        @Parameters(arity = "1", paramLabel = "NAME", description = "the session")
        String name;
        @Option(names = {"-w", "--wait"}, description = "wait until CI has run and print its result; exit 1 when it is not green")
        boolean await;
        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3600", description = "how long --wait waits (default ${DEFAULT-VALUE})")
        long timeoutSeconds;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            RepositoryLayout layout = Context.layout();
            Context.storedSession(layout, name);
            EngineClient engine = Context.engine(layout);
            JsonNode session;
            try {
                session = engine.post(EngineClient.sessionPath(name) + "/ci", SessionView.JSON.createObjectNode());
            } catch (CliException e) {
                if (e.exitCode() != ExitCodes.FAILURE) {
                    throw e;
                }
                throw new CliException(e.exitCode(), e.getMessage() + " ('agent-orchestrator status' shows its state)");
            }
            PrintWriter out = spec.commandLine().getOut();
            if (!await) {
                out.printf("%s: CI asked for (%s)%n", name, session.path("state").asText());
                return ExitCodes.OK;
            }
            JsonNode settled = engine.post(EngineClient.sessionPath(name) + "/await",
                    SessionView.JSON.createObjectNode().put("timeoutSeconds", timeoutSeconds), Duration.ofSeconds(timeoutSeconds + 30));
            JsonNode ci = settled.path("ci");
            out.printf("%s: %s, CI %s%s%n", name, settled.path("state").asText(), ci.path("status").asText("-"),
                    ci.path("summary").asText().isEmpty() ? "" : " - " + ci.path("summary").asText());
            String status = ci.path("status").asText();
            return status.equals("PASSED") || status.equals("SKIPPED") ? ExitCodes.OK : ExitCodes.FAILURE;
        }
    }

    /** {@code , stacked on api} or {@code , after merge of api}; empty without dependencies. */
    private static String waits(JsonNode s) {
        List<String> deps = new ArrayList<>();
        s.path("dependsOn").forEach(d -> deps.add(d.asText()));
        if (deps.isEmpty()) {
            return "";
        }
        return (s.path("dependencyMode").asText().equals("STACKED") ? ", stacked on " : ", after merge of ") + String.join(", ", deps);
    }

    /** Standard input when it is piped in, else a usage error saying what to give. */
    static String stdinOrUsage(CommandLine.Model.CommandSpec spec, String what) {
        if (System.console() == null) {
            try {
                String text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
                if (!text.isEmpty()) {
                    return text;
                }
            } catch (IOException e) {
                throw new CliException(ExitCodes.FAILURE, "cannot read standard input: " + e.getMessage());
            }
        }
        throw new CommandLine.ParameterException(spec.commandLine(), what);
    }
}
