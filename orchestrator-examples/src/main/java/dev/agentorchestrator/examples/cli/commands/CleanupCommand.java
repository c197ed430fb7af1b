package dev.agentorchestrator.examples.cli.commands;

import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.examples.cli.ExitCodes;
import dev.agentorchestrator.examples.cli.GitCommand;
import dev.agentorchestrator.examples.cli.RepositoryLayout;
import dev.agentorchestrator.examples.cli.config.OrchestratorConfig;
import dev.agentorchestrator.examples.cli.engine.EngineClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Removes what is finished and what crashed runs left: merged sessions (through the engine), and
 * worktrees and branches under the branch prefix that no session owns. Never one with uncommitted
 * changes or commits its base branch lacks.
 */
@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = "Removes merged sessions and the worktrees and branches crashed runs left behind;"
                + " never one with uncommitted or unmerged work.")
public final class CleanupCommand implements Callable<Integer> {

    @Option(names = {"-n", "--dry-run"}, description = "only print what would be removed")
    boolean dryRun;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        RepositoryLayout layout = Context.layout();
        OrchestratorConfig config = Context.config(layout);
        Path repo = layout.mainWorktree();
        List<Session> sessions = Context.sessions(layout);
        String base = config.baseBranch().orElseGet(() -> GitCommand.git(repo, "symbolic-ref", "--quiet", "--short", "HEAD").output());
        String verb = dryRun ? "would remove" : "removed";
        int done = 0;

        List<Session> merged = sessions.stream().filter(s -> s.state() == SessionState.MERGED).toList();
        if (!merged.isEmpty()) {
            EngineClient engine = dryRun ? null : Context.engine(layout);
            for (Session s : merged) {
                if (engine != null) {
                    engine.delete(EngineClient.sessionPath(s.name()) + "?keepBranch=false&force=false");
                }
                out.printf("%s session %s (merged)%n", verb, s.name());
                done++;
            }
        }

        GitCommand.git(repo, dryRun ? new String[] {"worktree", "prune", "--dry-run"} : new String[] {"worktree", "prune"});
        Set<String> owned = new HashSet<>();
        sessions.forEach(s -> owned.add(s.branch()));
        Set<String> withWorktree = new HashSet<>();
        for (String[] wt : worktrees(repo)) {
            String path = wt[0];
            String branch = wt[1];
            withWorktree.add(branch);
            if (branch.isEmpty() || !branch.startsWith(config.branchPrefix()) || owned.contains(branch) || Path.of(path).equals(repo)) {
                continue;
            }
            String why = unsafe(repo, Path.of(path), branch, base);
            if (why != null) {
                out.printf("kept leftover worktree %s (%s): %s%n", path, branch, why);
                continue;
            }
            if (!dryRun) {
                GitCommand.Result r = GitCommand.git(repo, "worktree", "remove", path);
                if (!r.ok()) {
                    out.printf("could not remove %s: %s%n", path, r.output());
                    continue;
                }
                GitCommand.git(repo, "branch", "-d", branch);
            }
            out.printf("%s leftover worktree %s and branch %s%n", verb, path, branch);
            done++;
        }
        GitCommand.Result refs = GitCommand.git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/" + config.branchPrefix());
        for (String branch : refs.ok() ? refs.output().lines().toList() : List.<String>of()) {
            if (branch.isBlank() || owned.contains(branch) || withWorktree.contains(branch)) {
                continue;
            }
            if (!GitCommand.git(repo, "merge-base", "--is-ancestor", branch, base).ok()) {
                out.printf("kept leftover branch %s: it has commits %s lacks%n", branch, base);
                continue;
            }
            if (!dryRun) {
                GitCommand.git(repo, "branch", "-d", branch);
            }
            out.printf("%s leftover branch %s (merged into %s)%n", verb, branch, base);
            done++;
        }
        if (done == 0) {
            out.println("nothing to clean up");
        }
        return ExitCodes.OK;
    }

    /** Why this leftover must stay, or null when it can go. */
    private static String unsafe(Path repo, Path worktree, String branch, String base) {
        GitCommand.Result status = GitCommand.git(worktree, "status", "--porcelain");
        if (!status.ok()) {
            return "git status failed: " + status.output();
        }
        if (!status.output().isEmpty()) {
            return "it has uncommitted changes";
        }
        if (!GitCommand.git(repo, "merge-base", "--is-ancestor", branch, base).ok()) {
            return "its branch has commits " + base + " lacks";
        }
        return null;
    }

    /** Each linked worktree as {path, short branch name} from {@code git worktree list --porcelain}. */
    private static List<String[]> worktrees(Path repo) {
        List<String[]> out = new ArrayList<>();
        GitCommand.Result r = GitCommand.git(repo, "worktree", "list", "--porcelain");
        if (!r.ok()) {
            return out;
        }
        String path = null;
        for (String line : r.output().lines().toList()) {
            if (line.startsWith("worktree ")) {
                path = line.substring("worktree ".length());
            } else if (line.startsWith("branch refs/heads/") && path != null) {
                out.add(new String[] {path, line.substring("branch refs/heads/".length())});
                path = null;
            }
        }
        return out;
    }
}
