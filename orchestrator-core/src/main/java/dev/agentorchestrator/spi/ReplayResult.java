package dev.agentorchestrator.spi;

import dev.agentorchestrator.GitException;
import java.util.List;
import java.util.Optional;

/**
 * What {@link GitRepository#replay(List, String)} did: the new tip when every commit applied, or
 * the first commit that conflicted and its paths. Either way no ref, index or file changed.
 *
 * @param onto              the full id of the commit replayed onto
 * @param tip               the new tip when clean; {@code onto} itself when nothing needed replaying
 * @param commits           the new commits in order, when clean (a commit that became empty is dropped,
 *                          as {@code git rebase} drops it; one that needed no change is kept as it was)
 * @param conflictingCommit the original commit that did not apply, when not clean
 * @param conflicts         the paths it conflicted on, sorted; empty when clean
 */
public record ReplayResult(String onto, Optional<String> tip, List<String> commits, Optional<String> conflictingCommit,
                           List<String> conflicts) {

    public ReplayResult {
        ObjectIds.require(onto, "onto commit");
        tip.ifPresent(id -> ObjectIds.require(id, "new tip"));
        commits = List.copyOf(commits);
        commits.forEach(id -> ObjectIds.require(id, "replayed commit"));
        conflictingCommit.ifPresent(id -> ObjectIds.require(id, "conflicting commit"));
        conflicts = conflicts.stream().sorted().distinct().toList();
        if (tip.isPresent() == conflictingCommit.isPresent() || conflictingCommit.isPresent() == conflicts.isEmpty()) {
            throw new GitException("a replay result has either a new tip, or a conflicting commit with its paths;"
                    + " got tip " + tip + ", commit " + conflictingCommit + ", paths " + conflicts);
        }
    }

    /** Every commit applied; {@code commits} are the new ones, the last is the tip (or {@code onto} when none). */
    public static ReplayResult clean(String onto, List<String> commits) {
        return new ReplayResult(onto, Optional.of(commits.isEmpty() ? onto : commits.get(commits.size() - 1)),
                commits, Optional.empty(), List.of());
    }

    /** {@code commit} did not apply on top of what came before it. */
    public static ReplayResult conflict(String onto, String commit, List<String> paths) {
        return new ReplayResult(onto, Optional.empty(), List.of(), Optional.of(commit), paths);
    }

    /** True when every commit applied. */
    public boolean isClean() {
        return tip.isPresent();
    }
}
