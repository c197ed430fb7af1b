package dev.agentorchestrator.spi;

import dev.agentorchestrator.GitException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A commit for {@link GitRepository#commitTree(CommitRequest)} to write: a tree that already
 * exists, its parents and a message. Only objects are written; no ref, index or file changes.
 *
 * <pre>{@code
 * String id = repo.commitTree(CommitRequest.of(preview.tree().orElseThrow(),
 *         List.of(preview.ours(), preview.theirs()), "Merge feature/auth")
 *     .withAuthor(new GitIdentity("Ada", "ada@example.org")));
 * }</pre>
 *
 * @param tree      the tree's full id
 * @param parents   the parents' full ids, in order (none for a root commit), without repeats
 * @param message   the message; trailing white space is replaced by exactly one line break, as {@code git commit-tree -m} stores it
 * @param author    the author; empty for the repository's configured identity (see {@link GitIdentity#FALLBACK})
 * @param committer the committer; empty for the repository's configured identity
 */
public record CommitRequest(String tree, List<String> parents, String message, Optional<GitIdentity> author,
                            Optional<GitIdentity> committer) {

    public CommitRequest {
        ObjectIds.require(tree, "tree");
        parents = List.copyOf(parents);
        parents.forEach(id -> ObjectIds.require(id, "parent commit"));
        if (parents.stream().distinct().count() != parents.size()) {
            throw new GitException("a commit's parents must not repeat, got " + parents + "; list each parent once");
        }
        Objects.requireNonNull(message, "message");
        if (message.isBlank()) {
            throw new GitException("a commit message must not be blank; say what the commit does");
        }
        message = message.stripTrailing() + "\n";
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(committer, "committer");
    }

    /** A commit of {@code tree} with {@code parents}, by the repository's configured identity. */
    public static CommitRequest of(String tree, List<String> parents, String message) {
        return new CommitRequest(tree, parents, message, Optional.empty(), Optional.empty());
    }

    /** The same commit with this author (the committer stays as it was). */
    public CommitRequest withAuthor(GitIdentity author) {
        return new CommitRequest(tree, parents, message, Optional.of(author), committer);
    }

    /** The same commit with this committer (the author stays as it was). */
    public CommitRequest withCommitter(GitIdentity committer) {
        return new CommitRequest(tree, parents, message, author, Optional.of(committer));
    }
}
