package dev.agentorchestrator.internal.git;

import dev.agentorchestrator.ChangedFile;
import dev.agentorchestrator.DiffStat;
import dev.agentorchestrator.Divergence;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.Worktree;
import dev.agentorchestrator.spi.CommitRequest;
import dev.agentorchestrator.spi.GitRepository;
import dev.agentorchestrator.spi.MergePreview;
import dev.agentorchestrator.spi.ReplayResult;
import dev.agentorchestrator.spi.WorktreeRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A {@link GitRepository} that runs the {@code git} binary for every call. It holds no state but
 * the repository's two folders, so it is thread-safe; changes to worktrees are serialised per
 * repository by {@link CliWorktrees}.
 */
public final class CliGitRepository implements GitRepository {

    private static final String HEADS = "refs/heads/";

    private final GitProcess git;
    private final Path workTree;
    private final Path commonDir;
    private final CliWorktrees worktrees;
    private final CliMerges merges;
    private final CliReplay replay;

    private CliGitRepository(GitProcess git, Path workTree, Path commonDir) {
        this.git = git;
        this.workTree = workTree;
        this.commonDir = commonDir;
        this.worktrees = new CliWorktrees(this, git);
        this.merges = new CliMerges(this, git);
        this.replay = new CliReplay(this, git, merges);
    }

    /** Opens the repository containing {@code directory}; see {@link dev.agentorchestrator.spi.GitBackend#open}. */
    public static CliGitRepository open(GitProcess git, Path directory) {
        Path dir = CanonicalPaths.canonical(directory);
        if (!Files.isDirectory(dir)) {
            throw new GitException("cannot open a git repository at " + dir + ": no such folder;"
                    + " pass the folder of an existing repository (or a folder inside it)");
        }
        git.checkAvailable();
        GitProcess.Result probe = git.run(dir, List.of("rev-parse", "--is-bare-repository",
                "--path-format=absolute", "--git-common-dir"));
        if (!probe.ok()) {
            throw new GitException("cannot open a git repository at " + dir + ": the folder is not inside a git"
                    + " repository (git says: " + probe.stderr().strip() + "); run 'git init' there or pass the"
                    + " folder of an existing repository");
        }
        List<String> lines = probe.stdout().lines().toList();
        if (lines.size() < 2) {
            throw new GitException("cannot open a git repository at " + dir + ": unexpected output from '"
                    + GitProcess.render(probe.command()) + "': " + probe.stdout());
        }
        if (lines.get(0).equals("true")) {
            throw new GitException("cannot open " + dir + ": it is a bare repository, which has no working tree"
                    + " to branch worktrees from; clone it into a normal repository and open that");
        }
        Path commonDir = CanonicalPaths.canonical(Path.of(lines.get(1)));
        List<GitOutput.WorktreeEntry> entries = GitOutput.worktrees(git.runOk(dir,
                List.of("worktree", "list", "--porcelain", "-z"), "cannot list the worktrees of " + dir).stdout());
        if (entries.isEmpty() || entries.get(0).bare()) {
            throw new GitException("cannot open " + dir + ": the repository at " + commonDir + " has no main"
                    + " working tree; open a repository with a working tree");
        }
        return new CliGitRepository(git, CanonicalPaths.canonical(Path.of(entries.get(0).path())), commonDir);
    }

    @Override
    public Path workTree() {
        return workTree;
    }

    @Override
    public Path commonDir() {
        return commonDir;
    }

    @Override
    public Optional<String> currentBranch() {
        GitProcess.Result r = git.run(workTree, List.of("symbolic-ref", "-q", "HEAD"));
        String ref = r.stdout().strip();
        return r.ok() && ref.startsWith(HEADS) ? Optional.of(ref.substring(HEADS.length())) : Optional.empty();
    }

    @Override
    public boolean branchExists(String branch) {
        if (branch.isEmpty() || branch.startsWith("-")) {
            return false;
        }
        return git.run(workTree, List.of("show-ref", "--verify", "-q", HEADS + branch)).ok();
    }

    @Override
    public Optional<String> resolve(String revision) {
        // A leading '-' would be read as an option; no revision starts with one.
        if (revision.isEmpty() || revision.startsWith("-")) {
            return Optional.empty();
        }
        GitProcess.Result r = git.run(workTree, List.of("rev-parse", "-q", "--verify", revision + "^{commit}"));
        return r.ok() ? Optional.of(r.stdout().strip()) : Optional.empty();
    }

    @Override
    public Worktree createWorktree(WorktreeRequest request) {
        return worktrees.create(request);
    }

    @Override
    public List<Worktree> listWorktrees() {
        String out = git.runOk(workTree, List.of("worktree", "list", "--porcelain", "-z"),
                "cannot list the worktrees of repository " + workTree).stdout();
        Map<Path, String> ids = adminIds();
        List<Worktree> result = new ArrayList<>();
        boolean first = true;
        for (GitOutput.WorktreeEntry e : GitOutput.worktrees(out)) {
            Path path = CanonicalPaths.canonical(Path.of(e.path()));
            Optional<String> branch = e.branchRef().map(ref -> ref.startsWith(HEADS) ? ref.substring(HEADS.length()) : ref);
            result.add(new Worktree(path, first ? "" : ids.getOrDefault(path, ""), branch, e.head(), first,
                    e.locked(), e.lockReason(), e.prunable()));
            first = false;
        }
        return List.copyOf(result);
    }

    @Override
    public Optional<Worktree> findWorktree(Path path) {
        Path wanted = CanonicalPaths.canonical(path);
        return listWorktrees().stream().filter(w -> w.path().equals(wanted)).findFirst();
    }

    @Override
    public void removeWorktree(Path path, boolean force) {
        worktrees.remove(path, force);
    }

    @Override
    public List<Path> pruneWorktrees() {
        return worktrees.prune();
    }

    @Override
    public void lockWorktree(Path path, String reason) {
        worktrees.lock(path, reason);
    }

    @Override
    public void unlockWorktree(Path path) {
        worktrees.unlock(path);
    }

    @Override
    public void deleteBranch(String branch, boolean force) {
        if (!branchExists(branch)) {
            throw new GitException("cannot delete branch '" + branch + "' in repository " + workTree
                    + ": there is no such branch; existing branches: " + describeBranches());
        }
        for (Worktree wt : listWorktrees()) {
            if (wt.branch().filter(branch::equals).isPresent()) {
                throw new GitException("cannot delete branch '" + branch + "' in repository " + workTree
                        + ": it is checked out in worktree " + wt.path() + "; " + HalfMadeWorktrees.freeingAdvice(wt)
                        + ", then delete the branch");
            }
        }
        git.runOk(workTree, List.of("branch", force ? "-D" : "-d", "--", branch),
                "cannot delete branch '" + branch + "' in repository " + workTree
                        + (force ? "" : " (a branch not merged into HEAD needs force)"));
    }

    @Override
    public Divergence divergence(String branch, String base) {
        String from = requireCommit(branch, "branch");
        String onto = requireCommit(base, "base");
        String out = git.runOk(workTree, List.of("rev-list", "--left-right", "--count", from + "..." + onto),
                "cannot count the commits between '" + branch + "' and '" + base + "'").stdout().strip();
        String[] counts = out.split("\\s+");
        return new Divergence(Integer.parseInt(counts[0]), Integer.parseInt(counts[1]));
    }

    @Override
    public List<ChangedFile> changedFiles(String branch, String base) {
        String tip = requireCommit(branch, "branch");
        String out = git.runOk(workTree, List.of("diff", "--name-status", "-z", "-M", "--no-ext-diff",
                mergeBase(branch, tip, base), tip), "cannot list the files changed on '" + branch + "'").stdout();
        return List.copyOf(GitOutput.nameStatus(out));
    }

    @Override
    public List<ChangedFile> uncommittedChanges(Path worktree) {
        Path folder = requireExistingWorktree(worktree);
        String out = git.runOk(folder, List.of("status", "--porcelain=v1", "-z", "--untracked-files=all"),
                "cannot read the uncommitted changes in worktree " + folder).stdout();
        return List.copyOf(GitOutput.status(out));
    }

    @Override
    public List<String> commitsBetween(String base, String tip) {
        String out = git.runOk(workTree, List.of("rev-list", "--reverse", base + ".." + tip),
                "cannot list the commits between " + base + " and " + tip).stdout();
        return out.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    @Override
    public String commitAll(Path worktree, String message) {
        Path folder = requireExistingWorktree(worktree);
        git.runOk(folder, List.of("add", "--all"), "cannot stage the changes in worktree " + folder);
        List<String> commit = new java.util.ArrayList<>();
        if (git.run(folder, List.of("config", "user.email")).stdout().isBlank()) {
            commit.addAll(List.of("-c", "user.name=agent-orchestrator", "-c", "user.email=agent-orchestrator@localhost"));
        }
        commit.addAll(List.of("commit", "--no-verify", "--quiet", "-m", message));
        git.runOk(folder, commit, "cannot commit the changes in worktree " + folder);
        return git.runOk(folder, List.of("rev-parse", "HEAD"), "cannot read HEAD of " + folder).stdout().trim();
    }

    @Override
    public DiffStat diffStat(String branch, String base) {
        String tip = requireCommit(branch, "branch");
        String out = git.runOk(workTree, List.of("diff", "--numstat", "-z", "-M", "--no-ext-diff", "--no-textconv",
                mergeBase(branch, tip, base), tip), "cannot count the lines changed on '" + branch + "'").stdout();
        return GitOutput.numstat(out);
    }

    @Override
    public List<Path> recoverIncompleteWorktrees() {
        return worktrees.recover();
    }

    public MergePreview mergeTree(String ours, String theirs) {
        return merges.mergeTree(ours, theirs);
    }

    @Override
    public List<String> mergeConflicts(String ours, String theirs) {
        return merges.mergeConflicts(ours, theirs);
    }

    @Override
    public List<String> branchesStartingWith(String prefix) {
        // for-each-ref matches whole path components only, so it gets the folder and the names are filtered here.
        String folder = prefix.contains("/") ? prefix.substring(0, prefix.lastIndexOf('/') + 1) : "";
        GitProcess.Result r = git.run(workTree, List.of("for-each-ref", "--format=%(refname)", HEADS + folder));
        if (!r.ok()) {
            throw new GitException("cannot list the branches of " + workTree + ": " + r.stderr().strip());
        }
        return r.stdout().lines().map(String::strip).filter(l -> l.startsWith(HEADS + prefix))
                .map(l -> l.substring(HEADS.length())).sorted().toList();
    }

    @Override
    public java.util.Map<String, Optional<String>> resolveAll(java.util.Collection<String> revisions) {
        // One process lists every branch head; only revisions that are not branch names cost one each.
        java.util.Map<String, String> heads = new java.util.HashMap<>();
        GitProcess.Result r = git.run(workTree, List.of("for-each-ref", "--format=%(objectname) %(refname)", HEADS));
        if (r.ok()) {
            r.stdout().lines().map(String::strip).filter(l -> l.indexOf(' ') > 0).forEach(l -> {
                int space = l.indexOf(' ');
                heads.put(l.substring(space + 1 + HEADS.length()), l.substring(0, space));
            });
        }
        java.util.Map<String, Optional<String>> out = new java.util.LinkedHashMap<>();
        for (String revision : revisions) {
            out.computeIfAbsent(revision, rev -> heads.containsKey(rev) ? Optional.of(heads.get(rev)) : resolve(rev));
        }
        return out;
    }

    @Override
    public String commitTree(CommitRequest request) {
        return merges.commitTree(request);
    }

    @Override
    public void updateBranch(String branch, String newCommit, String expectedOldCommit) {
        merges.updateBranch(branch, newCommit, expectedOldCommit);
    }

    @Override
    public List<String> uncommittedChangesInTheWay(Path worktree, String fromCommit, String toCommit) {
        return merges.uncommittedChangesInTheWay(worktree, fromCommit, toCommit);
    }

    @Override
    public void advanceWorktree(Path worktree, String fromCommit, String toCommit) {
        merges.advanceWorktree(worktree, fromCommit, toCommit);
    }

    @Override
    public ReplayResult replay(List<String> commits, String onto) {
        return replay.replay(commits, onto);
    }

    @Override
    public void close() {
        // Nothing is held open between calls: every call is its own git process.
    }

    @Override
    public String toString() {
        return "git-cli repository " + workTree;
    }

    /** The worktree registered at {@code path}, or a GitException listing the ones there are. */
    Worktree requireWorktree(Path path, String action) {
        Path wanted = CanonicalPaths.canonical(path);
        List<Worktree> all = listWorktrees();
        return all.stream().filter(w -> w.path().equals(wanted)).findFirst().orElseThrow(() -> new GitException(
                "cannot " + action + " " + wanted + ": it is not a worktree of repository " + workTree
                        + "; its worktrees are " + all.stream().map(w -> w.path().toString())
                        .collect(Collectors.joining(", "))));
    }

    private Path requireExistingWorktree(Path path) {
        Worktree wt = requireWorktree(path, "read the changes in");
        if (!Files.isDirectory(wt.path())) {
            throw new GitException("cannot read the changes in worktree " + wt.path() + ": its folder no longer"
                    + " exists; prune it with pruneWorktrees() or remove it");
        }
        return wt.path();
    }

    /** The commit id of {@code revision}, or a GitException naming it and the branches there are. */
    String requireCommit(String revision, String role) {
        return resolve(revision).orElseThrow(() -> new GitException("the " + role + " '" + revision
                + "' does not resolve to a commit in repository " + workTree + "; existing branches: "
                + describeBranches() + "; pass an existing branch, tag or commit id"));
    }

    private String mergeBase(String branch, String tip, String base) {
        String onto = requireCommit(base, "base");
        GitProcess.Result r = git.run(workTree, List.of("merge-base", onto, tip));
        if (!r.ok()) {
            throw new GitException("'" + branch + "' and '" + base + "' have no common ancestor in repository "
                    + workTree + ", so there is no merge base to compare against; compare branches that share history");
        }
        return r.stdout().strip();
    }

    /** Up to ten branch names for error messages. */
    String describeBranches() {
        List<String> names = git.run(workTree, List.of("for-each-ref", "--count=11", "--format=%(refname)", HEADS))
                .stdout().lines().map(ref -> ref.substring(HEADS.length())).toList();
        if (names.isEmpty()) {
            return "(none)";
        }
        return names.stream().limit(10).collect(Collectors.joining(", ")) + (names.size() > 10 ? ", ..." : "");
    }

    /** True when some commit exists in the repository (any ref, or HEAD). */
    boolean hasCommits() {
        GitProcess.Result r = git.run(workTree, List.of("rev-list", "-n", "1", "--all"));
        return r.ok() && !r.stdout().isBlank();
    }

    /** The ids under {@code .git/worktrees}, by the canonical folder each one points at. */
    Map<Path, String> adminIds() {
        Map<Path, String> ids = new HashMap<>();
        Path admin = commonDir.resolve("worktrees");
        if (!Files.isDirectory(admin)) {
            return ids;
        }
        try (Stream<Path> dirs = Files.list(admin)) {
            for (Path dir : dirs.toList()) {
                Path gitdir = dir.resolve("gitdir");
                if (Files.isRegularFile(gitdir)) {
                    String target = Files.readString(gitdir, StandardCharsets.UTF_8).strip();
                    // Newer git can write the path relative to the record's own folder.
                    Path dotGit = dir.resolve(target);
                    if (dotGit.getParent() != null) {
                        ids.put(CanonicalPaths.canonical(dotGit.getParent()), dir.getFileName().toString());
                    }
                }
            }
        } catch (IOException e) {
            throw new GitException("cannot read the worktree records in " + admin + ": " + e.getMessage(), e);
        }
        return ids;
    }
}
