package dev.agentorchestrator;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A way a session's record and the repository disagree because someone changed the repository by
 * hand: a worktree moved, removed or pruned, a branch renamed or deleted, or another branch checked
 * out in the session's worktree. The orchestrator looks for these when it starts and before each
 * action on a session (a turn, a prompt, CI, a merge), shows them in the session's
 * {@link Session#attention()} and in the status, and {@link Orchestrator#repair(String)} makes the
 * record follow the repository again where that loses nothing.
 *
 * @param kind        what differs
 * @param description what the record says and what the repository has, in a sentence
 * @param fix         what to do, as a call or command that works when followed
 * @param found       the branch or folder the repository has instead, when there is one
 */
public record RepositoryDrift(Kind kind, String description, String fix, Optional<String> found) {

    /** What differs. */
    public enum Kind {
        /** The worktree folder is gone (deleted, removed or pruned); the branch is still there. {@code repair} makes it again on the branch. */
        WORKTREE_GONE,
        /** The worktree was moved ({@code git worktree move}): the branch is checked out in another folder. {@code repair} adopts that folder. */
        WORKTREE_MOVED,
        /** The branch was renamed ({@code git branch -m}): the worktree has it under another name. {@code repair} adopts the new name. */
        BRANCH_RENAMED,
        /**
         * The branch is gone and no worktree has it. {@code repair} makes it again at the last commit
         * the orchestrator knows of it (its last CI run), or, when that commit is gone too, from the
         * base branch, saying so.
         */
        BRANCH_GONE,
        /** The worktree has another branch (or a detached HEAD) checked out. Not repaired automatically: the folder may hold someone's work. */
        OTHER_BRANCH_CHECKED_OUT
    }

    public RepositoryDrift {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(fix, "fix");
        Objects.requireNonNull(found, "found");
    }

    /** True for the kinds {@link Orchestrator#repair(String)} can fix. */
    public boolean repairable() {
        return kind != Kind.OTHER_BRANCH_CHECKED_OUT;
    }

    /** True when a turn can still run: only a gone worktree is made again on the session's own branch by itself. */
    public boolean blocksWork() {
        return kind != Kind.WORKTREE_GONE;
    }

    /** The folder found instead, for {@link Kind#WORKTREE_MOVED}. */
    public Optional<Path> foundFolder() {
        return kind == Kind.WORKTREE_MOVED ? found.map(Path::of) : Optional.empty();
    }

    @Override
    public String toString() {
        return description + "; " + fix;
    }
}
