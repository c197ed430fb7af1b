package dev.agentorchestrator.internal.git;

import dev.agentorchestrator.GitException;
import dev.agentorchestrator.spi.GitIdentity;
import dev.agentorchestrator.spi.ReplayResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code replay} on the git binary without a working tree. git 2.39's {@code merge-tree} cannot be
 * told which merge base to use, so each pick merges two throw-away commits that share the picked
 * commit's parent as their only parent: one with the new tip's tree, one with the picked commit's
 * tree. Their merge base is that parent, which makes the merge exactly a cherry-pick. The
 * throw-away commits are unreachable and go with git's next garbage collection.
 */
final class CliReplay {

    /** A commit as {@code git cat-file commit} shows it, split into what a replay needs. */
    private record RawCommit(String tree, List<String> parents, String headersAfterCommitter, String author,
                             String message) {
    }

    private final CliGitRepository repo;
    private final GitProcess git;
    private final CliMerges merges;

    CliReplay(CliGitRepository repo, GitProcess git, CliMerges merges) {
        this.repo = repo;
        this.git = git;
        this.merges = merges;
    }

    ReplayResult replay(List<String> commits, String onto) {
        String base = repo.requireCommit(onto, "commit to replay onto");
        List<String> ids = new ArrayList<>();
        for (String c : commits) {
            ids.add(repo.requireCommit(c, "commit to replay"));
        }
        GitIdentity committer = merges.configuredIdentity();
        String tip = base;
        List<String> made = new ArrayList<>();
        // Check the whole list first, so that a bad list fails the same way whatever would conflict.
        List<RawCommit> raw = new ArrayList<>();
        String previous = null;
        for (String id : ids) {
            RawCommit c = read(id);
            raw.add(c);
            if (c.parents().size() != 1) {
                throw new GitException("cannot replay " + id + ": it has " + c.parents().size() + " parents; replay"
                        + " a linear list of ordinary commits (leave merge and root commits out)");
            }
            String parent = c.parents().get(0);
            if (previous != null && !parent.equals(previous)) {
                throw new GitException("cannot replay " + id + ": its parent is " + parent + ", not the commit before it"
                        + " in the list (" + previous + "); list a chain of commits, oldest first");
            }
            previous = id;
        }
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            RawCommit c = raw.get(i);
            String parent = c.parents().get(0);
            if (parent.equals(tip)) {
                // Already on top of the new tip: keep the commit as it is, as git rebase does.
                tip = id;
                made.add(id);
                continue;
            }
            String tipTree = tree(tip);
            String ours = scratch(tipTree, parent, committer);
            String theirs = scratch(c.tree(), parent, committer);
            var preview = merges.mergeTree(ours, theirs);
            if (!preview.isClean()) {
                return ReplayResult.conflict(base, id, preview.conflicts());
            }
            String newTree = preview.tree().orElseThrow();
            if (newTree.equals(tipTree) && !c.tree().equals(tree(parent))) {
                continue; // its change is already there: the commit became empty and is dropped
            }
            tip = write(newTree, tip, c, committer);
            made.add(tip);
        }
        return ReplayResult.clean(base, made);
    }

    private String tree(String commit) {
        return git.runOk(repo.workTree(), List.of("rev-parse", commit + "^{tree}"),
                "cannot read the tree of " + commit).stdout().strip();
    }

    private String scratch(String tree, String parent, GitIdentity identity) {
        return git.runOk(repo.workTree(), List.of("-c", "user.name=" + identity.name(), "-c",
                "user.email=" + identity.email(), "commit-tree", tree, "-p", parent, "-m", "replay scratch"),
                "cannot write a scratch commit for a replay").stdout().strip();
    }

    private RawCommit read(String id) {
        String raw = git.runOk(repo.workTree(), List.of("cat-file", "commit", id), "cannot read commit " + id).stdout();
        int blank = raw.indexOf("\n\n");
        String headers = blank < 0 ? raw : raw.substring(0, blank);
        String message = blank < 0 ? "" : raw.substring(blank + 2);
        String tree = null;
        String author = null;
        List<String> parents = new ArrayList<>();
        StringBuilder extra = new StringBuilder();
        boolean inSignature = false;
        for (String line : headers.split("\n")) {
            if (line.startsWith(" ")) {
                // A continuation line: of a signature we drop, or of a header we keep.
                if (!inSignature) {
                    extra.append(line).append('\n');
                }
                continue;
            }
            inSignature = false;
            if (line.startsWith("tree ")) {
                tree = line.substring(5);
            } else if (line.startsWith("parent ")) {
                parents.add(line.substring(7));
            } else if (line.startsWith("author ")) {
                author = line;
            } else if (line.startsWith("gpgsig") || line.startsWith("gpgsig-sha256")) {
                inSignature = true; // the signature was over the old commit; it cannot carry over
            } else if (!line.startsWith("committer ")) {
                extra.append(line).append('\n'); // encoding and the like
            }
        }
        if (tree == null || author == null) {
            throw new GitException("cannot replay " + id + ": git printed a commit without tree or author");
        }
        return new RawCommit(tree, List.copyOf(parents), extra.toString(), author, message);
    }

    /** Writes the replayed commit: the original author line and message, a new committer line. */
    private String write(String tree, String parent, RawCommit original, GitIdentity committer) {
        String text = "tree " + tree + "\nparent " + parent + "\n" + original.author() + "\ncommitter "
                + committer.name() + " <" + committer.email() + "> " + Instant.now().getEpochSecond() + " +0000\n"
                + original.headersAfterCommitter() + "\n" + original.message();
        Path file = null;
        try {
            file = Files.createTempFile("agent-orchestrator-replay", ".commit");
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return git.runOk(repo.workTree(), List.of("hash-object", "-t", "commit", "-w", file.toString()),
                    "cannot write the replayed commit of " + tree).stdout().strip();
        } catch (IOException e) {
            throw new GitException("cannot write the replayed commit of " + tree + ": " + e.getMessage(), e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }
}
