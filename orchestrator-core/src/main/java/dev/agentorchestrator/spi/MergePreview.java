package dev.agentorchestrator.spi;

import dev.agentorchestrator.GitException;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What merging two commits would give, computed by {@link GitRepository#mergeTree(String, String)}
 * without touching any working tree, index or ref.
 *
 * @param ours        the first commit merged, a full id
 * @param theirs      the second commit merged, a full id
 * @param mergeBases  the best common ancestors of the two, sorted (usually one; several after criss-cross merges)
 * @param tree        the merged tree's id when the merge is clean, empty when it conflicts
 * @param conflicts   the paths that would be left conflicted, sorted and without repeats; empty when clean
 */
public record MergePreview(String ours, String theirs, List<String> mergeBases, Optional<String> tree,
                           List<String> conflicts) {

    public MergePreview {
        ObjectIds.require(ours, "ours commit");
        ObjectIds.require(theirs, "theirs commit");
        mergeBases = List.copyOf(new TreeSet<>(mergeBases));
        mergeBases.forEach(id -> ObjectIds.require(id, "merge base"));
        tree.ifPresent(id -> ObjectIds.require(id, "merged tree"));
        conflicts = List.copyOf(new TreeSet<>(conflicts));
        if (tree.isPresent() == !conflicts.isEmpty()) {
            throw new GitException("a merge preview has a tree exactly when it has no conflicts; got tree " + tree
                    + " and conflicts " + conflicts);
        }
    }

    /** A clean merge of {@code ours} and {@code theirs} giving {@code tree}. */
    public static MergePreview clean(String ours, String theirs, List<String> mergeBases, String tree) {
        return new MergePreview(ours, theirs, mergeBases, Optional.of(tree), List.of());
    }

    /** A merge of {@code ours} and {@code theirs} that leaves {@code conflicts} conflicted. */
    public static MergePreview conflicting(String ours, String theirs, List<String> mergeBases, List<String> conflicts) {
        if (conflicts.isEmpty()) {
            throw new GitException("a conflicting merge preview needs at least one conflicting path");
        }
        return new MergePreview(ours, theirs, mergeBases, Optional.empty(), conflicts);
    }

    /** True when the merge has no conflicts. */
    public boolean isClean() {
        return tree.isPresent();
    }

    /** True when {@code theirs} is already contained in {@code ours}: merging would change nothing. */
    public boolean isAlreadyMerged() {
        return mergeBases.equals(List.of(theirs));
    }

    /** True when {@code ours} is contained in {@code theirs}: {@code ours} can fast-forward to {@code theirs}. */
    public boolean isFastForward() {
        return mergeBases.equals(List.of(ours));
    }
}
