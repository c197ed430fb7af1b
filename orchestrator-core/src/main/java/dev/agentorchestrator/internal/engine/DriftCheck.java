package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.RepositoryDrift;
import dev.agentorchestrator.RepositoryDrift.Kind;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.Worktree;
import dev.agentorchestrator.spi.GitRepository;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.spi.WorktreeRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares a session's record with the repository (issue 15: "a session's record follows the
 * repository's truth"), and repairs the record where that loses nothing. Looking never writes;
 * {@link #repair} writes only through the {@link Lifecycle} and the git backend.
 */
final class DriftCheck {
    private static final Logger log = LoggerFactory.getLogger(DriftCheck.class);

    /** The prefix of the {@code attention} text this check sets, so that it can clear only its own. */
    static final String ATTENTION = "repository: ";

    private final Lifecycle lifecycle;
    private final GitRepository git;
    private final WorktreeProvisioner provisioner;

    DriftCheck(Lifecycle lifecycle, GitRepository git, WorktreeProvisioner provisioner) {
        this.lifecycle = lifecycle;
        this.git = git;
        this.provisioner = provisioner;
    }

    /** What differs for this session, looking at the repository now. */
    Optional<RepositoryDrift> check(SessionRecord r) {
        return check(r, git.listWorktrees());
    }

    /**
     * What differs, given the repository's worktrees. Only a session that has had a worktree is
     * checked (before that the record makes no claim), and not once merged (its worktree and branch
     * are removed on purpose).
     */
    Optional<RepositoryDrift> check(SessionRecord r, List<Worktree> worktrees) {
        if (r.worktree().isEmpty() || r.state() == SessionState.MERGED || r.state() == SessionState.MERGING) {
            return Optional.empty();
        }
        Path folder = r.worktree().get();
        String name = r.name();
        String branch = r.branch();
        Optional<Worktree> there = worktrees.stream()
                .filter(w -> w.path().equals(folder) && !w.prunable() && Files.isDirectory(w.path())).findFirst();
        boolean branchExists = git.branchExists(branch);
        if (there.isPresent()) {
            Optional<String> checkedOut = there.get().branch();
            if (checkedOut.filter(branch::equals).isPresent()) {
                if (branchExists) {
                    return Optional.empty();
                }
                // The worktree's HEAD names the branch, but the ref is gone ('git update-ref -d', or a
                // tool that renamed the branch without updating the worktrees' HEADs).
                Optional<String> known = lastKnownCommit(r);
                return Optional.of(new RepositoryDrift(Kind.BRANCH_GONE, "the branch '" + branch + "' of session '" + name
                        + "' is gone, though its worktree " + folder + " still has it checked out (with no commit)",
                        known.map(c -> "make it again at the last commit recorded for it with 'git -C " + folder + " branch "
                                + branch + " " + c + "'").orElse("make it again with 'git -C " + folder + " branch " + branch
                                + " <commit>', or remove the session"), Optional.empty()));
            }
            if (!branchExists && checkedOut.isPresent()) {
                return Optional.of(new RepositoryDrift(Kind.BRANCH_RENAMED, "the branch '" + branch + "' of session '" + name
                        + "' is gone and its worktree " + folder + " has the branch '" + checkedOut.get() + "' (renamed by hand?)",
                        "call repair(\"" + name + "\") to make '" + checkedOut.get() + "' the session's branch, or rename it back with"
                                + " 'git branch -m " + checkedOut.get() + " " + branch + "'", checkedOut));
            }
            String what = checkedOut.map(b -> "the branch '" + b + "'").orElse("a detached HEAD");
            if (!branchExists) {
                return Optional.of(new RepositoryDrift(Kind.BRANCH_GONE, "the branch '" + branch + "' of session '" + name
                        + "' is gone and its worktree " + folder + " has " + what + " checked out",
                        "call repair(\"" + name + "\") to make the branch again at the worktree's commit", Optional.empty()));
            }
            return Optional.of(new RepositoryDrift(Kind.OTHER_BRANCH_CHECKED_OUT, "the worktree " + folder + " of session '"
                    + name + "' has " + what + " checked out instead of '" + branch + "'",
                    "run 'git -C " + folder + " switch " + branch + "' once its files are safe (commit or stash them)",
                    checkedOut));
        }
        Optional<Worktree> moved = worktrees.stream().filter(w -> !w.main() && !w.prunable() && Files.isDirectory(w.path())
                && w.branch().filter(branch::equals).isPresent()).findFirst();
        if (moved.isPresent()) {
            return Optional.of(new RepositoryDrift(Kind.WORKTREE_MOVED, "the worktree of session '" + name + "' is no longer at "
                    + folder + "; its branch '" + branch + "' is checked out at " + moved.get().path() + " (moved by hand?)",
                    "call repair(\"" + name + "\") to adopt " + moved.get().path() + ", or move it back with 'git worktree move "
                            + moved.get().path() + " " + folder + "'", Optional.of(moved.get().path().toString())));
        }
        if (branchExists) {
            return Optional.of(new RepositoryDrift(Kind.WORKTREE_GONE, "the worktree " + folder + " of session '" + name
                    + "' is gone (removed or pruned by hand); its branch '" + branch + "' is kept",
                    "prompt the session (its worktree is made again on '" + branch + "'), or call repair(\"" + name
                            + "\") to make it again now", Optional.empty()));
        }
        Optional<String> known = lastKnownCommit(r);
        return Optional.of(new RepositoryDrift(Kind.BRANCH_GONE, "the branch '" + branch + "' and the worktree " + folder
                + " of session '" + name + "' are gone (deleted by hand?)",
                known.map(c -> "call repair(\"" + name + "\") to make both again at " + c.substring(0, Math.min(12, c.length()))
                                + ", the last commit the orchestrator recorded for it (its last CI run)")
                        .orElse("call repair(\"" + name + "\") to start the branch again from '" + r.baseBranch()
                                + "' (no commit of it is known any more), or remove the session"),
                known));
    }

    /** The last commit of the session's branch the orchestrator knows, if it still exists. */
    private Optional<String> lastKnownCommit(SessionRecord r) {
        return r.lastCi().map(CiResult::commit).filter(c -> !c.isBlank()).filter(c -> git.resolve(c + "^{commit}").isPresent());
    }

    /**
     * Looks, and shows what it found in the session's attention (or clears an attention this check
     * set once the repository agrees again).
     */
    Optional<RepositoryDrift> notice(String name) {
        Optional<SessionRecord> r = lifecycle.find(name);
        if (r.isEmpty()) {
            return Optional.empty();
        }
        Optional<RepositoryDrift> drift = check(r.get());
        show(name, drift);
        return drift;
    }

    /** {@link #notice} for every session, listing the worktrees once. */
    void noticeAll() {
        List<Worktree> worktrees = git.listWorktrees();
        for (SessionRecord r : lifecycle.all()) {
            show(r.name(), check(r, worktrees));
        }
    }

    private void show(String name, Optional<RepositoryDrift> drift) {
        String text = drift.map(d -> ATTENTION + d).orElse("");
        String[] before = new String[1];
        SessionRecord after = lifecycle.change(name, "", s -> {
            before[0] = s.attention();
            boolean ours = s.attention().isEmpty() || s.attention().startsWith(ATTENTION);
            // Another reason a person is needed (a budget, reactions that gave up) is shown first.
            return ours ? s.toBuilder().attention(text) : s.toBuilder();
        });
        if (drift.isPresent() && !before[0].equals(after.attention())) {
            lifecycle.note(name, text);
            log.warn("session '{}': {}", name, drift.get());
        }
    }

    /**
     * Makes the record follow the repository where that loses nothing, or makes the worktree or
     * branch again. Returns what was done, for the session's transcript.
     *
     * @throws GitException when the drift cannot be repaired this way, saying what to do instead
     */
    String repair(SessionRecord r, RepositoryDrift drift) {
        String name = r.name();
        switch (drift.kind()) {
            case WORKTREE_MOVED -> {
                Path to = drift.foundFolder().orElseThrow();
                lifecycle.change(name, "", c -> c.toBuilder().worktree(to).attention(withoutDrift(c)));
                return "repaired: adopted the worktree at " + to;
            }
            case BRANCH_RENAMED -> {
                String to = drift.found().orElseThrow();
                lifecycle.change(name, "", c -> c.toBuilder().branch(to).attention(withoutDrift(c)));
                return "repaired: the session's branch is now '" + to + "' (was '" + r.branch() + "')";
            }
            case WORKTREE_GONE -> {
                Path made = provisioner.makeFor(r);
                lifecycle.change(name, "", c -> c.toBuilder().worktree(made).setupDone(false).attention(withoutDrift(c)));
                return "repaired: made the worktree again at " + made + " on '" + r.branch() + "' at "
                        + git.resolve(r.branch()).orElse("?") + " (its setup runs before the next turn)";
            }
            case BRANCH_GONE -> {
                return repairGoneBranch(r, drift);
            }
            default -> throw new GitException("Session '" + name + "': " + drift.description() + ". This is not repaired"
                    + " automatically, because the folder may hold someone's work: " + drift.fix() + ".");
        }
    }

    /**
     * The attention after a repair: the drift's is gone; another (a person holds the session, a
     * budget was reached) stays, as {@link #show} leaves it in place of a drift too.
     */
    private static String withoutDrift(SessionRecord r) {
        return r.attention().startsWith(ATTENTION) ? "" : r.attention();
    }

    private String repairGoneBranch(SessionRecord r, RepositoryDrift drift) {
        String name = r.name();
        Optional<Worktree> there = r.worktree().flatMap(git::findWorktree).filter(w -> Files.isDirectory(w.path()));
        if (there.isPresent()) {
            // The worktree is still there (detached, or on a branch that is not the session's): the
            // branch is made again at its commit and checked out there only by a person.
            String head = there.get().head().orElseThrow(() -> new GitException("Session '" + name + "': the worktree "
                    + there.get().path() + " has no commit; remove the session with RemoveRequest.of(\"" + name + "\").force()"));
            throw new GitException("Session '" + name + "': " + drift.description() + ". Make the branch again there with"
                    + " 'git -C " + there.get().path() + " switch -c " + r.branch() + " " + head + "', then call repair(\""
                    + name + "\") again if anything is left.");
        }
        Path folder = r.worktree().orElse(provisioner.pathFor(name));
        if (Files.exists(folder)) {
            throw new GitException("Session '" + name + "': the folder " + folder + " is in the way and is not a worktree of"
                    + " this repository; move it away, then call repair(\"" + name + "\") again.");
        }
        git.pruneWorktrees();
        String from = drift.found().orElse(r.baseBranch());
        Path made = git.createWorktree(WorktreeRequest.newBranch(folder, r.branch(), from)).path();
        lifecycle.change(name, "", c -> c.toBuilder().worktree(made).setupDone(false).attention(withoutDrift(c)));
        return drift.found().isPresent()
                ? "repaired: made the branch '" + r.branch() + "' again at " + from + " (the last commit recorded for it) with its worktree at " + made
                : "repaired: started the branch '" + r.branch() + "' again from '" + r.baseBranch() + "' (no commit of the old one was"
                        + " known); its worktree is at " + made + ". Earlier work of this session is not on it.";
    }
}
