package dev.agentorchestrator.examples.cli.commands;

import dev.agentorchestrator.ci.CommandCiRunner;
import dev.agentorchestrator.examples.cli.CliException;
import dev.agentorchestrator.examples.cli.ExitCodes;
import dev.agentorchestrator.examples.cli.GitCommand;
import dev.agentorchestrator.examples.cli.RepositoryLayout;
import dev.agentorchestrator.examples.cli.config.AgentSettings;
import dev.agentorchestrator.examples.cli.config.OrchestratorConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Writes agent-orchestrator.yaml in the repository's root with the detected CI command and the defaults;"
                + " checks that the repository can be used. Never overwrites.")
public final class InitCommand implements Callable<Integer> {

    @Option(names = "--agent", paramLabel = "NAME", defaultValue = "claude-code",
            description = "the agent: claude-code, codex, gemini, aider, demo (default ${DEFAULT-VALUE})")
    String agent;
    @Option(names = "--max-parallel", paramLabel = "N", defaultValue = "3", description = "agents working at once (default ${DEFAULT-VALUE})")
    int maxParallel;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!AgentSettings.NAMES.contains(agent) || agent.equals("command")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--agent must be one of claude-code, codex, gemini, aider, demo"
                    + " (a 'command' agent is configured by hand, see docs/cli.md), not '" + agent + "'");
        }
        if (maxParallel < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-parallel must be at least 1");
        }
        RepositoryLayout layout = Context.layout();
        if (Files.exists(layout.configFile())) {
            throw new CliException(ExitCodes.FAILURE, layout.configFile() + " already exists; edit it, or delete it and run init again");
        }
        GitCommand.Result head = GitCommand.git(layout.mainWorktree(), "rev-parse", "--verify", "--quiet", "HEAD^{commit}");
        if (head.exitCode() == 1) {
            throw new CliException(ExitCodes.FAILURE, "the repository has no commit yet; worktrees start from a commit."
                    + " Make one first (git add . && git commit -m 'Initial commit')");
        }
        String base = GitCommand.git(layout.mainWorktree(), "symbolic-ref", "--quiet", "--short", "HEAD").output();
        List<String> ci = CommandCiRunner.detecting().commandFor(layout.mainWorktree()).orElse(List.of());
        String yaml = render(ci, base);
        OrchestratorConfig.parse(OrchestratorConfig.FILE_NAME, yaml);
        Files.writeString(layout.configFile(), yaml, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
        var out = spec.commandLine().getOut();
        out.println("wrote " + layout.configFile());
        out.println("  agent: " + agent + ", " + maxParallel + " at once, CI: " + (ci.isEmpty() ? "none detected" : String.join(" ", ci)));
        if (!head.ok()) {
            out.println("  note: git could not check the repository (" + head.output() + "); the engine will use JGit");
        }
        out.println("next: agent-orchestrator create NAME --prompt \"...\"   (agent-orchestrator doctor checks the setup)");
        return ExitCodes.OK;
    }

    private String render(List<String> ci, String base) {
        String ciLine = ci.isEmpty() ? "  command: none            # no build file found; give the test command, e.g. [make, test]"
                : "  command: " + flow(ci) + "   # detected from the build files";
        return """
                # agent-orchestrator: every key and its default are described in docs/cli.md.
                agent:
                  name: %s
                  # model: ...            # the agent's default when left out
                  # executable: ...       # a name on the PATH or a full path
                maxParallelSessions: %d
                # worktreesDirectory: ../%s.worktrees
                branchPrefix: feature/
                # baseBranch: %s          # default: the branch checked out in the main worktree
                setup:
                  copy: []                # untracked files copied into each worktree, e.g. [.env]
                  # command: npm ci       # run in each new worktree (no shell)
                  timeout: 10m
                ci:
                %s
                  timeout: 30m
                sessionTimeout: 2h
                stopGrace: 10s
                engine:
                  idleTimeout: 30m        # the background engine stops after this long with nothing to do
                """.formatted(agent, maxParallel, Context.layout().mainWorktree().getFileName(), base.isEmpty() ? "main" : base, ciLine);
    }

    private static String flow(List<String> items) {
        return items.stream().map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
