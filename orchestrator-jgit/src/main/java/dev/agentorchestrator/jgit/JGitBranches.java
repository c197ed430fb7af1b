package dev.agentorchestrator.jgit;

import dev.agentorchestrator.GitException;
import dev.agentorchestrator.Worktree;
import dev.agentorchestrator.internal.git.HalfMadeWorktrees;
import java.io.IOException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevWalk;

/** Deletes branches with {@code git branch -d/-D}'s rules. */
final class JGitBranches {

    private final JGitRepository repo;

    JGitBranches(JGitRepository repo) {
        this.repo = repo;
    }

    void delete(String branch, boolean force) {
        String refName = Constants.R_HEADS + branch;
        try {
            Ref ref = repo.main().exactRef(refName);
            if (ref == null || ref.getObjectId() == null) {
                throw new GitException("Cannot delete the branch '" + branch + "': no such branch in "
                        + repo.workTree() + ".");
            }
            for (Worktree wt : repo.worktrees().list()) {
                if (wt.branch().filter(branch::equals).isPresent()) {
                    throw new GitException("Cannot delete the branch '" + branch + "': it is checked out in the"
                            + " worktree at " + wt.path() + "; " + HalfMadeWorktrees.freeingAdvice(wt)
                            + ", then delete the branch.");
                }
            }
            if (!force && !mergedIntoHead(ref.getObjectId())) {
                throw new GitException("Cannot delete the branch '" + branch + "': it is not fully merged into"
                        + " HEAD of " + repo.workTree() + ", so its commits would be lost. Merge it first, or"
                        + " delete it with force=true.");
            }
            RefUpdate update = repo.main().updateRef(refName);
            update.setExpectedOldObjectId(ref.getObjectId());
            update.setForceUpdate(true);
            RefUpdate.Result result = update.delete();
            if (result != RefUpdate.Result.FORCED && result != RefUpdate.Result.NO_CHANGE) {
                throw new GitException("Cannot delete the branch '" + branch + "': " + result
                        + " (it was changed or locked by another process meanwhile). Retry.");
            }
            // git branch -d also drops the branch's configuration (upstream, description).
            StoredConfig config = repo.main().getConfig();
            if (config.getSubsections("branch").contains(branch)) {
                config.unsetSection("branch", branch);
                config.save();
            }
        } catch (IOException e) {
            throw new GitException("Cannot delete the branch '" + branch + "': " + e.getMessage(), e);
        }
    }

    private boolean mergedIntoHead(ObjectId tip) throws IOException {
        ObjectId head = repo.main().resolve(Constants.HEAD + "^{commit}");
        if (head == null) {
            return false;
        }
        try (RevWalk walk = new RevWalk(repo.main())) {
            return walk.isMergedInto(walk.parseCommit(tip), walk.parseCommit(head));
        }
    }
}
