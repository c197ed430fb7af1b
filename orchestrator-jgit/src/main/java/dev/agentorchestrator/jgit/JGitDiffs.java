package dev.agentorchestrator.jgit;

import dev.agentorchestrator.ChangedFile;
import dev.agentorchestrator.DiffStat;
import dev.agentorchestrator.Divergence;
import dev.agentorchestrator.GitException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.IndexDiff;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.patch.FileHeader;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.util.io.DisabledOutputStream;

/**
 * Divergence, changed files and diff statistics between branches, and the uncommitted changes of
 * a worktree, computed with JGit the way the matching {@code git} commands compute them:
 * {@code rev-list --count}, {@code diff --name-status base...branch} (renames detected, as git does
 * by default since 2.9, with git's 50% similarity), {@code diff --shortstat} and {@code status}.
 */
final class JGitDiffs {

    /** git's default rename similarity ({@code -M50%}); JGit's own default is 60. */
    private static final int GIT_RENAME_SCORE = 50;

    private final Repository main;

    JGitDiffs(Repository main) {
        this.main = main;
    }

    Divergence divergence(ObjectId branch, ObjectId base) {
        try {
            return new Divergence(count(branch, base), count(base, branch));
        } catch (IOException e) {
            throw new GitException("Cannot count the commits between " + branch.name() + " and " + base.name()
                    + ": " + e.getMessage(), e);
        }
    }

    private int count(ObjectId from, ObjectId without) throws IOException {
        try (RevWalk walk = new RevWalk(main)) {
            walk.setRetainBody(false);
            walk.markStart(walk.parseCommit(from));
            walk.markUninteresting(walk.parseCommit(without));
            int n = 0;
            while (walk.next() != null) {
                n++;
            }
            return n;
        }
    }

    List<ChangedFile> changedFiles(ObjectId branch, ObjectId base, String branchName, String baseName) {
        try (DiffFormatter diff = formatter()) {
            List<ChangedFile> files = new ArrayList<>();
            for (DiffEntry e : scan(diff, branch, base, branchName, baseName)) {
                files.add(toChangedFile(e));
            }
            return List.copyOf(files);
        } catch (IOException e) {
            throw new GitException("Cannot diff '" + branchName + "' against '" + baseName + "': " + e.getMessage(), e);
        }
    }

    DiffStat diffStat(ObjectId branch, ObjectId base, String branchName, String baseName) {
        try (DiffFormatter diff = formatter()) {
            List<DiffEntry> entries = scan(diff, branch, base, branchName, baseName);
            int added = 0;
            int removed = 0;
            for (DiffEntry e : entries) {
                FileHeader header = diff.toFileHeader(e);
                if (header.getPatchType() != FileHeader.PatchType.UNIFIED) {
                    continue; // binary: git counts the file but no lines
                }
                for (Edit edit : header.toEditList()) {
                    added += edit.getLengthB();
                    removed += edit.getLengthA();
                }
            }
            return new DiffStat(entries.size(), added, removed);
        } catch (IOException e) {
            throw new GitException("Cannot diff '" + branchName + "' against '" + baseName + "': " + e.getMessage(), e);
        }
    }

    private DiffFormatter formatter() {
        DiffFormatter diff = new DiffFormatter(DisabledOutputStream.INSTANCE);
        diff.setRepository(main);
        diff.setDiffComparator(RawTextComparator.DEFAULT);
        diff.setDetectRenames(true);
        diff.getRenameDetector().setRenameScore(GIT_RENAME_SCORE);
        return diff;
    }

    /** What {@code git diff base...branch} compares: the merge base against the branch. */
    private List<DiffEntry> scan(DiffFormatter diff, ObjectId branch, ObjectId base, String branchName,
                                 String baseName) throws IOException {
        try (RevWalk walk = new RevWalk(main)) {
            RevCommit tip = walk.parseCommit(branch);
            walk.setRevFilter(RevFilter.MERGE_BASE);
            walk.markStart(tip);
            walk.markStart(walk.parseCommit(base));
            RevCommit mergeBase = walk.next();
            if (mergeBase == null) {
                throw new GitException("'" + branchName + "' and '" + baseName + "' have no common ancestor,"
                        + " so there is no change set between them. Compare branches that share history.");
            }
            return diff.scan(walk.parseCommit(mergeBase).getTree(), tip.getTree());
        }
    }

    private static ChangedFile toChangedFile(DiffEntry e) {
        return switch (e.getChangeType()) {
            case ADD -> ChangedFile.of(e.getNewPath(), ChangedFile.Kind.ADDED);
            case MODIFY -> ChangedFile.of(e.getNewPath(), ChangedFile.Kind.MODIFIED);
            case DELETE -> ChangedFile.of(e.getOldPath(), ChangedFile.Kind.DELETED);
            case RENAME -> ChangedFile.renamed(e.getOldPath(), e.getNewPath());
            case COPY -> new ChangedFile(e.getNewPath(), ChangedFile.Kind.COPIED, java.util.Optional.of(e.getOldPath()));
        };
    }

    /**
     * Staged and unstaged changes against HEAD plus untracked files, like {@code git status}: a
     * file both staged and changed again is reported once, and a staged deletion and addition of
     * similar content is one rename, as git status pairs them. Sorted by path.
     */
    List<ChangedFile> uncommittedChanges(Repository worktree) {
        try {
            IndexDiff diff = new IndexDiff(worktree, Constants.HEAD, new FileTreeIterator(worktree));
            diff.diff();
            TreeMap<String, ChangedFile> changes = new TreeMap<>();
            put(changes, diff.getChanged(), ChangedFile.Kind.MODIFIED);
            put(changes, diff.getModified(), ChangedFile.Kind.MODIFIED);
            put(changes, diff.getConflicting(), ChangedFile.Kind.MODIFIED);
            put(changes, diff.getAdded(), ChangedFile.Kind.ADDED);
            put(changes, diff.getUntracked(), ChangedFile.Kind.ADDED);
            put(changes, diff.getRemoved(), ChangedFile.Kind.DELETED);
            // Deleted from the folder but still in the index: deleted, unless it was only just added.
            for (String missing : diff.getMissing()) {
                if (diff.getAdded().contains(missing)) {
                    changes.remove(missing);
                } else {
                    changes.put(missing, ChangedFile.of(missing, ChangedFile.Kind.DELETED));
                }
            }
            if (!diff.getAdded().isEmpty() && !diff.getRemoved().isEmpty()) {
                for (DiffEntry rename : stagedRenames(worktree)) {
                    changes.remove(rename.getOldPath());
                    changes.put(rename.getNewPath(), ChangedFile.renamed(rename.getOldPath(), rename.getNewPath()));
                }
            }
            return List.copyOf(changes.values());
        } catch (IOException e) {
            throw new GitException("Cannot read the status of the worktree at " + worktree.getWorkTree() + ": "
                    + e.getMessage() + ". Check that its index is not corrupt (git status there).", e);
        }
    }

    /** Renames between HEAD and the index, which is where git status looks for them. */
    private List<DiffEntry> stagedRenames(Repository worktree) throws IOException {
        ObjectId headTree = worktree.resolve(Constants.HEAD + "^{tree}");
        if (headTree == null) {
            return List.of();
        }
        try (ObjectReader reader = worktree.newObjectReader(); DiffFormatter diff = formatter()) {
            CanonicalTreeParser head = new CanonicalTreeParser();
            head.reset(reader, headTree);
            List<DiffEntry> renames = new ArrayList<>();
            for (DiffEntry e : diff.scan(head, new DirCacheIterator(worktree.readDirCache()))) {
                if (e.getChangeType() == DiffEntry.ChangeType.RENAME) {
                    renames.add(e);
                }
            }
            return renames;
        }
    }

    private static void put(TreeMap<String, ChangedFile> changes, Set<String> paths, ChangedFile.Kind kind) {
        for (String path : paths) {
            changes.put(path, ChangedFile.of(path, kind));
        }
    }
}
