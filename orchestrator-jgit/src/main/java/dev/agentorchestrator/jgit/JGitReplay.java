package dev.agentorchestrator.jgit;

import dev.agentorchestrator.GitException;
import dev.agentorchestrator.spi.GitIdentity;
import dev.agentorchestrator.spi.ReplayResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.merge.MergeStrategy;
import org.eclipse.jgit.merge.ResolveMerger;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * {@code replay} on JGit: each pick is an in-memory three-way merge of the new tip and the picked
 * commit with the picked commit's parent as the base, a cherry-pick with no working tree.
 */
final class JGitReplay {

    private final JGitRepository repo;
    private final JGitMerges merges;

    JGitReplay(JGitRepository repo, JGitMerges merges) {
        this.repo = repo;
        this.merges = merges;
    }

    ReplayResult replay(List<String> commits, String onto) {
        ObjectId base = repo.commit(onto, "commit to replay onto");
        List<ObjectId> ids = new ArrayList<>();
        for (String c : commits) {
            ids.add(repo.commit(c, "commit to replay"));
        }
        GitIdentity identity = merges.configuredIdentity();
        try (RevWalk walk = new RevWalk(repo.main()); ObjectInserter inserter = repo.main().newObjectInserter()) {
            RevCommit tip = walk.parseCommit(base);
            List<String> made = new ArrayList<>();
            // Check the whole list first, so that a bad list fails the same way whatever would conflict.
            RevCommit previous = null;
            for (ObjectId id : ids) {
                RevCommit c = walk.parseCommit(id);
                if (c.getParentCount() != 1) {
                    throw new GitException("Cannot replay " + id.name() + ": it has " + c.getParentCount() + " parents;"
                            + " replay a linear list of ordinary commits (leave merge and root commits out).");
                }
                RevCommit parent = walk.parseCommit(c.getParent(0));
                if (previous != null && !parent.equals(previous)) {
                    throw new GitException("Cannot replay " + id.name() + ": its parent is " + parent.name() + ", not"
                            + " the commit before it in the list (" + previous.name() + "); list a chain of commits,"
                            + " oldest first.");
                }
                previous = c;
            }
            for (ObjectId id : ids) {
                RevCommit c = walk.parseCommit(id);
                RevCommit parent = walk.parseCommit(c.getParent(0));
                if (parent.equals(tip)) {
                    tip = c; // already on top of the new tip: kept as it is, as git rebase does
                    made.add(c.name());
                    continue;
                }
                ResolveMerger merger = (ResolveMerger) MergeStrategy.RECURSIVE.newMerger(inserter,
                        repo.main().getConfig());
                merger.setBase(parent.getTree());
                if (!merger.merge(tip.getTree(), c.getTree())) {
                    TreeSet<String> paths = new TreeSet<>(merger.getUnmergedPaths());
                    if (merger.getFailingPaths() != null) {
                        paths.addAll(merger.getFailingPaths().keySet());
                    }
                    return ReplayResult.conflict(base.name(), id.name(), List.copyOf(paths));
                }
                ObjectId tree = merger.getResultTreeId();
                if (tree.equals(tip.getTree()) && !c.getTree().equals(parent.getTree())) {
                    continue; // its change is already there: the commit became empty and is dropped
                }
                CommitBuilder commit = new CommitBuilder();
                commit.setTreeId(tree);
                commit.setParentId(tip);
                commit.setAuthor(c.getAuthorIdent());
                commit.setCommitter(new PersonIdent(identity.name(), identity.email()));
                commit.setEncoding(c.getEncoding());
                commit.setMessage(c.getFullMessage());
                ObjectId written = inserter.insert(commit);
                inserter.flush();
                tip = walk.parseCommit(written);
                made.add(written.name());
            }
            return ReplayResult.clean(base.name(), made);
        } catch (IOException e) {
            throw new GitException("Cannot replay " + commits.size() + " commits onto '" + onto + "' in "
                    + repo.workTree() + ": " + e.getMessage(), e);
        }
    }
}
