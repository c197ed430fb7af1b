package dev.agentorchestrator.jgit;

import dev.agentorchestrator.GitException;
import dev.agentorchestrator.Worktree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheCheckout;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.IndexDiff;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilterGroup;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * Brings a worktree's index and files along after its checked-out branch moved, the two-tree
 * checkout of {@code git read-tree -m -u FROM TO}, refusing when a file the move changes has
 * local changes (checked before anything is written).
 */
final class JGitWorktreeAdvance {

    private final JGitRepository repo;

    JGitWorktreeAdvance(JGitRepository repo) {
        this.repo = repo;
    }

    List<String> inTheWay(Path worktree, String fromCommit, String toCommit) {
        Path folder = existing(worktree, "check the uncommitted changes of");
        ObjectId from = repo.commit(fromCommit, "commit the worktree is at");
        ObjectId to = repo.commit(toCommit, "commit the worktree moves to");
        try (Repository wt = repo.openWorktree(folder)) {
            return inTheWay(wt, from, to);
        } catch (IOException e) {
            throw new GitException("Cannot read the uncommitted changes of the worktree at " + folder + ": "
                    + e.getMessage(), e);
        }
    }

    private List<String> inTheWay(Repository wt, ObjectId from, ObjectId to) throws IOException {
        List<String> changed = changedPaths(from, to);
        if (changed.isEmpty()) {
            return List.of();
        }
        // The index and the files compared with FROM, only where FROM and TO differ.
        IndexDiff diff = new IndexDiff(wt, treeOf(from), new FileTreeIterator(wt));
        diff.setFilter(PathFilterGroup.createFromStrings(changed));
        diff.diff();
        Set<String> dirty = new TreeSet<>();
        dirty.addAll(diff.getAdded());
        dirty.addAll(diff.getChanged());
        dirty.addAll(diff.getRemoved());
        dirty.addAll(diff.getMissing());
        dirty.addAll(diff.getModified());
        dirty.addAll(diff.getConflicting());
        dirty.addAll(diff.getUntracked());
        // An ignored file is still a file that the checkout would overwrite.
        dirty.addAll(diff.getIgnoredNotInIndex());
        dirty.retainAll(Set.copyOf(changed));
        return List.copyOf(dirty);
    }

    private ObjectId treeOf(ObjectId commit) throws IOException {
        try (RevWalk walk = new RevWalk(repo.main())) {
            return walk.parseCommit(commit).getTree().getId();
        }
    }

    private List<String> changedPaths(ObjectId from, ObjectId to) throws IOException {
        try (TreeWalk walk = new TreeWalk(repo.main())) {
            walk.addTree(treeOf(from));
            walk.addTree(treeOf(to));
            walk.setRecursive(true);
            walk.setFilter(TreeFilter.ANY_DIFF);
            List<String> paths = new ArrayList<>();
            while (walk.next()) {
                paths.add(walk.getPathString());
            }
            return paths;
        }
    }

    void advance(Path worktree, String fromCommit, String toCommit) {
        Path folder = existing(worktree, "advance");
        ObjectId from = repo.commit(fromCommit, "commit the worktree is at");
        ObjectId to = repo.commit(toCommit, "commit the worktree moves to");
        try (Repository wt = repo.openWorktree(folder)) {
            ObjectId head = wt.resolve(Constants.HEAD);
            if (!to.equals(head)) {
                throw new GitException("Cannot advance the worktree at " + folder + " from " + from.name() + " to "
                        + to.name() + ": its HEAD is at " + (head == null ? "no commit" : head.name()) + ", not at "
                        + to.name() + "; move its branch first (updateBranch), then advance it, so that its files"
                        + " never disagree with its HEAD.");
            }
            List<String> blocking = inTheWay(wt, from, to);
            if (!blocking.isEmpty()) {
                throw new GitException("Cannot update the worktree at " + folder + " from " + from.name() + " to "
                        + to.name() + ": it has uncommitted changes in files the update changes: "
                        + String.join(", ", blocking) + "; commit, stash or discard them there first. Nothing was"
                        + " changed.");
            }
            if (from.equals(to)) {
                return;
            }
            DirCache index = wt.lockDirCache();
            try {
                DirCacheCheckout checkout = new DirCacheCheckout(wt, treeOf(from), index, treeOf(to));
                checkout.setFailOnConflict(true);
                checkout.checkout();
            } finally {
                // checkout() releases the lock itself on success; unlock() is harmless then.
                index.unlock();
            }
        } catch (IOException e) {
            throw new GitException("Cannot update the files and index of the worktree at " + folder + " from "
                    + from.name() + " to " + to.name() + ": " + e.getMessage(), e);
        }
    }

    private Path existing(Path path, String action) {
        Worktree wt = repo.findWorktree(path).orElseThrow(() -> new GitException("Cannot " + action + " '" + path
                + "': it is not a worktree of the repository at " + repo.workTree() + ". Pass the folder of the main"
                + " worktree or of one listed by listWorktrees()."));
        if (!Files.isDirectory(wt.path())) {
            throw new GitException("Cannot " + action + " the worktree at " + wt.path() + ": its folder no longer"
                    + " exists; prune it with pruneWorktrees() or remove it.");
        }
        return wt.path();
    }
}
