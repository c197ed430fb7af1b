package dev.agentorchestrator.examples.cli.commands;

import dev.agentorchestrator.examples.cli.CliException;
import dev.agentorchestrator.examples.cli.ExitCodes;
import dev.agentorchestrator.examples.cli.GitCommand;
import dev.agentorchestrator.examples.cli.RepositoryLayout;
import dev.agentorchestrator.examples.cli.config.AgentSettings;
import dev.agentorchestrator.examples.cli.config.OrchestratorConfig;
import dev.agentorchestrator.examples.cli.engine.EngineClient;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Checks git, the JDK, each configured agent's CLI (found, its version, logged in), the config file,"
                + " the state folder and the engine, and prints what to fix. Exits 1 when something must be fixed.")
public final class DoctorCommand implements Callable<Integer> {

    @CommandLine.Option(names = "--live", description = "also send Claude Code one short prompt, to see that its credentials"
            + " are accepted (costs that prompt)")
    boolean live;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private PrintWriter out;
    private int failures;

    @Override
    public Integer call() {
        out = spec.commandLine().getOut();
        Path here = Path.of("").toAbsolutePath();
        GitCommand.Result git = GitCommand.run(here, List.of("git", "--version"));
        check(git.ok(), "git", git.output(), "install git 2.20 or newer (the engine can work without it through JGit,"
                + " but worktrees made by git are what people inspect)", false);
        int feature = Runtime.version().feature();
        check(feature >= 17, "java", Runtime.version() + " at " + System.getProperty("java.home"), "use a JDK 17 or newer", true);

        RepositoryLayout layout;
        try {
            layout = Context.layout();
        } catch (CliException e) {
            check(false, "repository", e.getMessage(), "run this inside a git repository", true);
            return done();
        }
        GitCommand.Result head = GitCommand.git(layout.mainWorktree(), "rev-parse", "--verify", "--quiet", "HEAD^{commit}");
        check(head.ok() || !git.ok(), "repository", layout.mainWorktree() + (head.ok() ? " at " + head.output().substring(0, Math.min(12,
                head.output().length())) : ""), "make a first commit: worktrees start from one", true);

        OrchestratorConfig config = null;
        try {
            config = Context.config(layout);
            check(true, "config", Files.exists(layout.configFile()) ? layout.configFile().toString()
                    : "no " + OrchestratorConfig.FILE_NAME + " (using the defaults)", "", false);
        } catch (RuntimeException e) {
            check(false, "config", e.getMessage(), "fix the file", true);
        }
        if (config != null) {
            Set<String> agents = new LinkedHashSet<>();
            agents.add(config.agent().name());
            config.features().forEach(f -> f.agent().ifPresent(agents::add));
            for (String name : agents) {
                agent(config.agentNamed(name));
            }
        }

        Path state = layout.stateDirectory();
        boolean writable = Files.isDirectory(state) ? Files.isWritable(state) : Files.isWritable(layout.commonGitDir());
        String stored = "";
        if (writable) {
            try {
                stored = ", " + Context.sessions(layout).size() + " session(s) stored";
            } catch (RuntimeException e) {
                check(false, "state", e.getMessage(), "restore the named file from its .bak, or remove it", true);
                writable = false;
            }
        }
        check(writable || !stored.isEmpty(), "state", state + stored, "make " + layout.commonGitDir() + " writable by this user", true);

        Optional<EngineClient> engine = EngineClient.running(layout);
        check(true, "engine", engine.map(e -> "running on " + e.address().url() + " (pid " + e.address().pid() + ")")
                .orElse("not running (commands start it on demand)"), "", false);
        return done();
    }

    private void agent(AgentSettings agent) {
        Optional<String> program = agent.program();
        if (program.isEmpty()) {
            check(true, "agent " + agent.name(), "built in (the offline demo agent)", "", false);
            return;
        }
        GitCommand.Result version = GitCommand.run(Path.of("").toAbsolutePath(), List.of(program.get(), "--version"));
        String firstLine = version.output().lines().findFirst().orElse("");
        check(version.ok(), "agent " + agent.name(), version.ok() ? program.get() + " " + firstLine : program.get() + ": " + firstLine,
                "install it or set agent.executable to its full path (see docs/agents.md)", true);
        if (version.ok() && !agent.name().equals("command")) {
            AgentAuthCheck.Outcome login = AgentAuthCheck.check(agent, program.get(), live);
            check(login.verdict() == AgentAuthCheck.Verdict.OK, "agent " + agent.name() + " login", login.detail(), login.fix(),
                    login.verdict() == AgentAuthCheck.Verdict.FAILED);
        }
    }

    private void check(boolean ok, String what, String detail, String fix, boolean required) {
        String mark = ok ? "ok  " : required ? "FAIL" : "warn";
        out.printf("%s  %-18s %s%n", mark, what, detail);
        if (!ok && !fix.isBlank()) {
            out.printf("      %-18s fix: %s%n", "", fix);
        }
        if (!ok && required) {
            failures++;
        }
    }

    private int done() {
        out.println(failures == 0 ? "everything needed is in place" : failures + " problem(s) to fix");
        return failures == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
