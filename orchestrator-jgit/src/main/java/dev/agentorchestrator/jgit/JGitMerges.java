package dev.agentorchestrator.jgit;

import dev.agentorchestrator.ConcurrentRefUpdateException;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.spi.CommitRequest;
import dev.agentorchestrator.spi.GitIdentity;
import dev.agentorchestrator.spi.MergePreview;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jgit.errors.ConfigInvalidException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.UserConfig;
import org.eclipse.jgit.merge.MergeStrategy;
import org.eclipse.jgit.merge.ResolveMerger;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;

/**
 * Merging without a working tree on JGit: an in-memory recursive merge writing only objects, a
 * commit written with an {@link ObjectInserter}, and a branch moved with a {@link RefUpdate} that
 * checks the old value. Bringing a worktree along is {@link JGitWorktreeAdvance}'s job.
 */
final class JGitMerges {

    private final JGitRepository repo;

    JGitMerges(JGitRepository repo) {
        this.repo = repo;
    }

    private Repository main() {
        return repo.main();
    }

    MergePreview mergeTree(String ours, String theirs) {
        ObjectId o = repo.commit(ours, "commit to merge into ('ours')");
        ObjectId t = repo.commit(theirs, "commit to merge ('theirs')");
        try (ObjectInserter inserter = main().newObjectInserter()) {
            List<String> bases = mergeBases(o, t);
            if (bases.isEmpty()) {
                throw new GitException("'" + ours + "' and '" + theirs + "' share no history in " + repo.workTree()
                        + ", so there is no merge base to merge from; merge branches that have a common ancestor");
            }
            // In memory: with an inserter and no repository the merger has no index or working tree to touch.
            ResolveMerger merger = (ResolveMerger) MergeStrategy.RECURSIVE.newMerger(inserter, main().getConfig());
            boolean clean = merger.merge(o, t);
            if (clean) {
                return MergePreview.clean(o.name(), t.name(), bases, merger.getResultTreeId().name());
            }
            Set<String> conflicts = new TreeSet<>(merger.getUnmergedPaths());
            if (merger.getFailingPaths() != null) {
                conflicts.addAll(merger.getFailingPaths().keySet());
            }
            if (conflicts.isEmpty()) {
                throw new GitException("JGit could not merge '" + theirs + "' into '" + ours + "' in " + repo.workTree()
                        + " and named no conflicting path; merge them with git to see why");
            }
            return MergePreview.conflicting(o.name(), t.name(), bases, List.copyOf(conflicts));
        } catch (IOException e) {
            throw new GitException("Cannot merge '" + theirs + "' into '" + ours + "' in memory in " + repo.workTree()
                    + ": " + e.getMessage(), e);
        }
    }

    private List<String> mergeBases(ObjectId a, ObjectId b) throws IOException {
        try (RevWalk walk = new RevWalk(main())) {
            walk.setRevFilter(RevFilter.MERGE_BASE);
            walk.markStart(walk.parseCommit(a));
            walk.markStart(walk.parseCommit(b));
            List<String> bases = new ArrayList<>();
            for (RevCommit c = walk.next(); c != null; c = walk.next()) {
                bases.add(c.name());
            }
            return bases;
        }
    }

    String commitTree(CommitRequest request) {
        String what = "Cannot write a commit of tree " + request.tree() + " in " + repo.workTree();
        try (ObjectInserter inserter = main().newObjectInserter(); ObjectReader reader = main().newObjectReader()) {
            requireObject(reader, request.tree(), Constants.OBJ_TREE, "tree", what);
            for (String parent : request.parents()) {
                requireObject(reader, parent, Constants.OBJ_COMMIT, "commit", what);
            }
            GitIdentity configured = configuredIdentity();
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(ObjectId.fromString(request.tree()));
            commit.setParentIds(request.parents().stream().map(ObjectId::fromString).toList());
            commit.setAuthor(person(request.author().orElse(configured)));
            commit.setCommitter(person(request.committer().orElse(configured)));
            commit.setMessage(request.message());
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            return id.name();
        } catch (IOException e) {
            throw new GitException(what + ": " + e.getMessage(), e);
        }
    }

    private static void requireObject(ObjectReader reader, String id, int type, String typeName, String what)
            throws IOException {
        ObjectId oid = ObjectId.fromString(id);
        if (!reader.has(oid)) {
            throw new GitException(what + ": " + id + " is not a " + typeName + " in this repository; pass the id of"
                    + " an existing " + typeName);
        }
        int actual = reader.open(oid).getType();
        if (actual != type) {
            throw new GitException(what + ": " + id + " is not a " + typeName + " (it is a "
                    + Constants.typeString(actual) + "); pass the id of an existing " + typeName);
        }
    }

    private static PersonIdent person(GitIdentity identity) {
        return new PersonIdent(identity.name(), identity.email());
    }

    /** user.name and user.email from the configuration (or git's variables), else the fixed fallback. */
    GitIdentity configuredIdentity() {
        String globalFile = System.getenv("GIT_CONFIG_GLOBAL");
        if (globalFile != null) {
            // JGit reads ~/.gitconfig whatever GIT_CONFIG_GLOBAL says; git reads only the file named
            // there, so that is what we read too, under the repository's own configuration.
            Config local = load(repo.commonDir().resolve("config"));
            Config global = globalFile.isEmpty() ? new Config() : load(Path.of(globalFile));
            String name = Optional.ofNullable(local.getString("user", null, "name"))
                    .orElse(global.getString("user", null, "name"));
            String email = Optional.ofNullable(local.getString("user", null, "email"))
                    .orElse(global.getString("user", null, "email"));
            return identityOrFallback(name, email);
        }
        // getConfig() reloads the file when it changed since it was read, so a later 'git config' counts.
        UserConfig user = main().getConfig().get(UserConfig.KEY);
        // JGit makes up a name and address from the system when none is configured; git would too,
        // but an address naming this machine has no place in a commit the library writes.
        if (user.isCommitterNameImplicit() || user.isCommitterEmailImplicit()) {
            return GitIdentity.FALLBACK;
        }
        return identityOrFallback(user.getCommitterName(), user.getCommitterEmail());
    }

    private static GitIdentity identityOrFallback(String name, String email) {
        if (name == null || name.isBlank() || email == null) {
            return GitIdentity.FALLBACK;
        }
        try {
            return new GitIdentity(name, email);
        } catch (GitException e) {
            return GitIdentity.FALLBACK;
        }
    }

    private static Config load(Path file) {
        FileBasedConfig config = new FileBasedConfig(file.toFile(), FS.DETECTED);
        try {
            config.load();
            return config;
        } catch (IOException | ConfigInvalidException e) {
            throw new GitException("Cannot read the git configuration file " + file + ": " + e.getMessage()
                    + ". Fix the file (git config --file " + file + " --list shows where it breaks).", e);
        }
    }

    void updateBranch(String branch, String newCommit, String expectedOldCommit) {
        String refName = Constants.R_HEADS + branch;
        String what = "Cannot move branch '" + branch + "' to " + newCommit + " in " + repo.workTree();
        if (!Repository.isValidRefName(refName)) {
            throw new GitException(what + ": '" + branch + "' is not a valid branch name; pass a short branch name"
                    + " such as main");
        }
        if (expectedOldCommit == null || !ObjectId.isId(expectedOldCommit)) {
            throw new GitException(what + ": the expected old commit must be a full 40-character commit id, got '"
                    + expectedOldCommit + "'; pass the id the branch was read at");
        }
        ObjectId target = repo.resolveCommit(newCommit).filter(id -> id.name().equals(newCommit))
                .orElseThrow(() -> new GitException(what + ": " + newCommit + " is not the full id of a commit in this"
                        + " repository; pass a commit id, for example one returned by commitTree(..)"));
        ObjectId expected = ObjectId.fromString(expectedOldCommit);
        try {
            Ref current = main().exactRef(refName);
            if (current == null || current.getObjectId() == null) {
                throw new ConcurrentRefUpdateException(branch, expectedOldCommit, Optional.empty());
            }
            RefUpdate update = main().updateRef(refName);
            update.setExpectedOldObjectId(expected);
            update.setNewObjectId(target);
            // A compare-and-swap: any move is allowed, as long as the old value is what we read.
            update.setForceUpdate(true);
            GitIdentity identity = configuredIdentity();
            update.setRefLogIdent(person(identity));
            update.setRefLogMessage("agent-orchestrator: move " + branch + " from " + expectedOldCommit + " to "
                    + target.name(), false);
            RefUpdate.Result result = update.update();
            switch (result) {
                case NEW, FORCED, FAST_FORWARD, NO_CHANGE -> {
                    return;
                }
                default -> {
                    Ref now = main().exactRef(refName);
                    Optional<String> actual = Optional.ofNullable(now == null ? null : now.getObjectId())
                            .map(ObjectId::name);
                    if (!actual.equals(Optional.of(expectedOldCommit))) {
                        throw new ConcurrentRefUpdateException(branch, expectedOldCommit, actual);
                    }
                    throw new GitException(what + ": " + result + " (its lock file may be held by another git"
                            + " process; retry when it finishes)");
                }
            }
        } catch (MissingObjectException e) {
            throw new GitException(what + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new GitException(what + ": " + e.getMessage(), e);
        }
    }
}
