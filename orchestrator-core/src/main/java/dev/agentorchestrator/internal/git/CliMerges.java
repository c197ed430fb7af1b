package dev.agentorchestrator.internal.git;

import dev.agentorchestrator.ConcurrentRefUpdateException;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.Worktree;
import dev.agentorchestrator.spi.CommitRequest;
import dev.agentorchestrator.spi.GitIdentity;
import dev.agentorchestrator.spi.MergePreview;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Merging without a working tree on the git binary: {@code merge-tree --write-tree} (git 2.38+;
 * 2.39 has no {@code --merge-base}, so the bases come from {@code merge-base --all}),
 * {@code commit-tree}, {@code update-ref} with an old value, and {@code read-tree -m -u} to bring a
 * worktree along after its branch moved.
 */
final class CliMerges {

    private static final String HEADS = "refs/heads/";
    private static final Pattern FULL_ID = Pattern.compile("[0-9a-f]{40}");

    private final CliGitRepository repo;
    private final GitProcess git;

    CliMerges(CliGitRepository repo, GitProcess git) {
        this.repo = repo;
        this.git = git;
    }

    MergePreview mergeTree(String ours, String theirs) {
        // The forecast passes full ids, many times over: skip resolving them, merge-base checks they
        // are commits (and a failure resolves them one by one for a message that names the culprit).
        boolean ids = FULL_ID.matcher(ours).matches() && FULL_ID.matcher(theirs).matches();
        String o = ids ? ours : repo.requireCommit(ours, "commit to merge into ('ours')");
        String t = ids ? theirs : repo.requireCommit(theirs, "commit to merge ('theirs')");
        GitProcess.Result bases = git.run(repo.workTree(), List.of("merge-base", "--all", o, t));
        if (!bases.ok() && bases.exitCode() != 1) {
            repo.requireCommit(ours, "commit to merge into ('ours')");
            repo.requireCommit(theirs, "commit to merge ('theirs')");
            throw GitProcess.failure("cannot find the merge base of '" + ours + "' and '" + theirs + "'", bases);
        }
        List<String> mergeBases = bases.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (mergeBases.isEmpty()) {
            throw unrelated(ours, theirs);
        }
        GitProcess.Result r = git.run(repo.workTree(),
                List.of("merge-tree", "--write-tree", "--name-only", "--no-messages", "-z", o, t));
        // Exit 0 is a clean merge, 1 a conflicted one; anything else is a failure to merge at all.
        if (r.exitCode() != 0 && r.exitCode() != 1) {
            throw GitProcess.failure("cannot merge '" + theirs + "' into '" + ours + "' in memory in repository "
                    + repo.workTree(), r);
        }
        List<String> fields = GitOutput.fields(r.stdout(), false);
        if (fields.isEmpty()) {
            throw new GitException("'git merge-tree' printed no tree for '" + ours + "' and '" + theirs
                    + "'; this git version is not supported by the git-cli backend (it needs 2.38 or newer)");
        }
        if (r.exitCode() == 0) {
            return MergePreview.clean(o, t, mergeBases, fields.get(0));
        }
        return MergePreview.conflicting(o, t, mergeBases, fields.subList(1, fields.size()));
    }

    /** Only {@code git merge-tree}: the forecast needs neither the merge bases nor the tree. */
    List<String> mergeConflicts(String ours, String theirs) {
        if (!FULL_ID.matcher(ours).matches() || !FULL_ID.matcher(theirs).matches()) {
            return mergeTree(ours, theirs).conflicts();
        }
        GitProcess.Result r = git.run(repo.workTree(),
                List.of("merge-tree", "--write-tree", "--name-only", "--no-messages", "-z", ours, theirs));
        if (r.exitCode() != 0 && r.exitCode() != 1) {
            return mergeTree(ours, theirs).conflicts(); // says which side is not a commit, or that they are unrelated
        }
        List<String> fields = GitOutput.fields(r.stdout(), false);
        if (fields.isEmpty()) {
            throw new GitException("'git merge-tree' printed no tree for '" + ours + "' and '" + theirs
                    + "'; this git version is not supported by the git-cli backend (it needs 2.38 or newer)");
        }
        return r.exitCode() == 0 ? List.of() : List.copyOf(new java.util.TreeSet<>(fields.subList(1, fields.size())));
    }

    private GitException unrelated(String ours, String theirs) {
        return new GitException("'" + ours + "' and '" + theirs + "' share no history in repository "
                + repo.workTree() + ", so there is no merge base to merge from; merge branches that have a"
                + " common ancestor");
    }

    String commitTree(CommitRequest request) {
        String what = "cannot write a commit of tree " + request.tree() + " in repository " + repo.workTree();
        requireObject(request.tree(), "tree", what);
        for (String parent : request.parents()) {
            requireObject(parent, "commit", what);
        }
        GitIdentity configured = configuredIdentity();
        GitIdentity author = request.author().orElse(configured);
        GitIdentity committer = request.committer().orElse(configured);
        List<String> args = new ArrayList<>(List.of(
                "-c", "author.name=" + author.name(), "-c", "author.email=" + author.email(),
                "-c", "committer.name=" + committer.name(), "-c", "committer.email=" + committer.email(),
                "commit-tree", request.tree()));
        for (String parent : request.parents()) {
            args.add("-p");
            args.add(parent);
        }
        args.add("-m");
        args.add(request.message());
        return git.runOk(repo.workTree(), args, what).stdout().strip();
    }

    private void requireObject(String id, String type, String what) {
        GitProcess.Result r = git.run(repo.workTree(), List.of("cat-file", "-t", id));
        if (!r.ok() || !r.stdout().strip().equals(type)) {
            throw new GitException(what + ": " + id + " is not a " + type + " in this repository"
                    + (r.ok() ? " (it is a " + r.stdout().strip() + ")" : "") + "; pass the id of an existing " + type);
        }
    }

    /** user.name and user.email as git reads them (every config scope), else the fixed fallback. */
    GitIdentity configuredIdentity() {
        GitProcess.Result r = git.run(repo.workTree(), List.of("config", "-z", "--get-regexp", "^user\\.(name|email)$"));
        String name = null;
        String email = null;
        for (String field : GitOutput.fields(r.stdout(), false)) {
            int nl = field.indexOf('\n');
            if (nl < 0) {
                continue;
            }
            String key = field.substring(0, nl);
            String value = field.substring(nl + 1);
            // Later scopes (repository over global) come last and win, as they do for git itself.
            if (key.equals("user.name")) {
                name = value;
            } else if (key.equals("user.email")) {
                email = value;
            }
        }
        if (name == null || name.isBlank() || email == null) {
            return GitIdentity.FALLBACK;
        }
        try {
            return new GitIdentity(name, email);
        } catch (GitException e) {
            return GitIdentity.FALLBACK;
        }
    }

    void updateBranch(String branch, String newCommit, String expectedOldCommit) {
        String ref = HEADS + branch;
        String what = "cannot move branch '" + branch + "' to " + newCommit + " in repository " + repo.workTree();
        if (branch.isEmpty() || branch.startsWith("-")
                || !git.run(repo.workTree(), List.of("check-ref-format", ref)).ok()) {
            throw new GitException(what + ": '" + branch + "' is not a valid branch name; pass a short branch name"
                    + " such as main");
        }
        if (expectedOldCommit == null || !expectedOldCommit.matches("[0-9a-f]{40}")) {
            throw new GitException(what + ": the expected old commit must be a full 40-character commit id, got '"
                    + expectedOldCommit + "'; pass the id the branch was read at");
        }
        String target = repo.resolve(newCommit).filter(newCommit::equals).orElseThrow(() -> new GitException(what
                + ": " + newCommit + " is not the full id of a commit in this repository; pass a commit id, for"
                + " example one returned by commitTree(..)"));
        GitIdentity identity = configuredIdentity();
        GitProcess.Result r = git.run(repo.workTree(), List.of("-c", "user.name=" + identity.name(),
                "-c", "user.email=" + identity.email(), "update-ref", "-m",
                "agent-orchestrator: move " + branch + " from " + expectedOldCommit + " to " + target,
                ref, target, expectedOldCommit));
        if (r.ok()) {
            return;
        }
        Optional<String> actual = currentValue(ref);
        if (!actual.equals(Optional.of(expectedOldCommit))) {
            throw new ConcurrentRefUpdateException(branch, expectedOldCommit, actual);
        }
        throw GitProcess.failure(what + " (its lock file may be held by another git process; retry when it"
                + " finishes)", r);
    }

    private Optional<String> currentValue(String ref) {
        GitProcess.Result r = git.run(repo.workTree(), List.of("rev-parse", "-q", "--verify", ref));
        return r.ok() ? Optional.of(r.stdout().strip()) : Optional.empty();
    }

    List<String> uncommittedChangesInTheWay(Path worktree, String fromCommit, String toCommit) {
        Path folder = existingWorktree(worktree, "check the uncommitted changes of");
        String from = repo.requireCommit(fromCommit, "commit the worktree is at");
        String to = repo.requireCommit(toCommit, "commit the worktree moves to");
        Set<String> changed = new LinkedHashSet<>(GitOutput.fields(git.runOk(folder,
                List.of("diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", from, to),
                "cannot list the files that differ between " + from + " and " + to).stdout(), false));
        if (changed.isEmpty()) {
            return List.of();
        }
        String what = "cannot read the uncommitted changes of worktree " + folder;
        Set<String> dirty = new TreeSet<>();
        // Index against FROM (staged), working files against FROM (unstaged), and files git does not
        // track at all (ignored ones too: read-tree would refuse to overwrite them).
        dirty.addAll(GitOutput.fields(git.runOk(folder, List.of("diff", "--cached", "--name-only", "-z",
                "--no-renames", "--no-ext-diff", from), what).stdout(), false));
        dirty.addAll(GitOutput.fields(git.runOk(folder, List.of("diff", "--name-only", "-z",
                "--no-renames", "--no-ext-diff", from), what).stdout(), false));
        List<String> untracked = new ArrayList<>(List.of("ls-files", "-z", "--others", "--"));
        changed.forEach(p -> untracked.add(":(literal)" + p));
        dirty.addAll(GitOutput.fields(git.runOk(folder, untracked, what).stdout(), false));
        dirty.retainAll(changed);
        return List.copyOf(dirty);
    }

    void advanceWorktree(Path worktree, String fromCommit, String toCommit) {
        Path folder = existingWorktree(worktree, "advance");
        String from = repo.requireCommit(fromCommit, "commit the worktree is at");
        String to = repo.requireCommit(toCommit, "commit the worktree moves to");
        String head = git.runOk(folder, List.of("rev-parse", "HEAD"), "cannot read HEAD of worktree " + folder)
                .stdout().strip();
        if (!head.equals(to)) {
            throw new GitException("cannot advance worktree " + folder + " from " + from + " to " + to + ": its HEAD is"
                    + " at " + head + ", not at " + to + "; move its branch first (updateBranch), then advance it, so"
                    + " that its files never disagree with its HEAD");
        }
        List<String> blocking = uncommittedChangesInTheWay(folder, from, to);
        if (!blocking.isEmpty()) {
            throw inTheWay(folder, from, to, blocking);
        }
        if (from.equals(to)) {
            return;
        }
        // read-tree compares stat data; refresh it first so that a touched but unchanged file is not
        // mistaken for a local change.
        git.run(folder, List.of("update-index", "-q", "--refresh"));
        git.runOk(folder, List.of("read-tree", "-m", "-u", from, to),
                "cannot update the files and index of worktree " + folder + " from " + from + " to " + to);
    }

    static GitException inTheWay(Path folder, String from, String to, List<String> paths) {
        return new GitException("cannot update worktree " + folder + " from " + from + " to " + to + ": it has"
                + " uncommitted changes in files the update changes: " + String.join(", ", paths)
                + "; commit, stash or discard them there first. Nothing was changed");
    }

    private Path existingWorktree(Path path, String action) {
        Worktree wt = repo.requireWorktree(path, action);
        if (!Files.isDirectory(wt.path())) {
            throw new GitException("cannot " + action + " worktree " + wt.path() + ": its folder no longer exists;"
                    + " prune it with pruneWorktrees() or remove it");
        }
        return wt.path();
    }
}
