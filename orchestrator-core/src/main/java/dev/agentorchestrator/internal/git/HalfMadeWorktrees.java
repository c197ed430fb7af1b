package dev.agentorchestrator.internal.git;

import dev.agentorchestrator.GitException;
import dev.agentorchestrator.Worktree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The forced removal of worktrees that git itself refuses to remove, such as one that
 * {@code git worktree add} left half-made when it was killed ({@code locked initializing}, an
 * administrative folder without {@code HEAD}, a folder without its {@code .git} file), and the
 * check, after any removal, that the worktree is really gone. Both backends use it.
 */
public final class HalfMadeWorktrees {

    private HalfMadeWorktrees() {
    }

    /**
     * Removes {@code wt}'s administrative folder and its folder by hand, when the folder is this
     * worktree's (its {@code .git} file points back at the administrative folder), is gone, or is
     * a half-made checkout without a {@code .git} file whose administrative folder is incomplete.
     *
     * @return false when the worktree is none of these, so that the caller reports git's refusal
     * @throws GitException when removing fails
     */
    public static boolean removeByHand(Path commonDir, Worktree wt) {
        if (wt.main() || wt.id().isEmpty()) {
            return false;
        }
        Path admin = commonDir.resolve("worktrees").resolve(wt.id());
        Path folder = wt.path();
        Path dotGit = folder.resolve(".git");
        boolean folderGone = !Files.exists(folder, LinkOption.NOFOLLOW_LINKS);
        boolean pointsBack = read(dotGit).filter(("gitdir: " + admin)::equals).isPresent()
                || read(dotGit).map(t -> t.startsWith("gitdir: ") ? Path.of(t.substring(8)) : null)
                .map(p -> CanonicalPaths.canonical(folder.resolve(p))).filter(CanonicalPaths.canonical(admin)::equals)
                .isPresent();
        boolean incomplete = !Files.exists(admin.resolve("HEAD")) || !Files.exists(admin.resolve("commondir"))
                || read(admin.resolve("locked")).filter("initializing"::equals).isPresent();
        boolean halfCheckout = Files.isDirectory(folder) && !Files.exists(dotGit, LinkOption.NOFOLLOW_LINKS) && incomplete;
        if (!folderGone && !pointsBack && !halfCheckout) {
            return false;
        }
        try {
            if (!folderGone) {
                CanonicalPaths.deleteRecursively(folder);
            }
            CanonicalPaths.deleteRecursively(admin);
            Path root = admin.getParent();
            if (Files.isDirectory(root) && CanonicalPaths.isEmptyDirectory(root)) {
                Files.deleteIfExists(root);
            }
        } catch (IOException | RuntimeException e) {
            throw new GitException("cannot remove the half-made worktree " + folder + ": " + e.getMessage()
                    + "; check the permissions of " + folder + " and " + admin + ", then retry", e);
        }
        return true;
    }

    /** Fails when {@code wt} is still listed or its folder still exists after a removal that reported success. */
    public static void checkGone(Worktree wt, boolean stillListed) {
        boolean folderLeft = Files.exists(wt.path(), LinkOption.NOFOLLOW_LINKS);
        if (stillListed || folderLeft) {
            throw new GitException("removing worktree " + wt.path() + " reported success, but "
                    + (stillListed ? "git still lists it" : "") + (stillListed && folderLeft ? " and " : "")
                    + (folderLeft ? "its folder is still there" : "") + "; remove it with force=true,"
                    + " or delete the folder and run 'git worktree prune'");
        }
    }

    /** What to do to free a branch held by {@code wt}; the advice works when followed. */
    public static String freeingAdvice(Worktree wt) {
        if (!Files.exists(wt.path())) {
            return wt.locked()
                    ? "its folder is gone but it is locked" + wt.lockReason().map(r -> " (" + r + ")").orElse("")
                    + ", so pruning keeps it: remove it with removeWorktree(path, force=true)"
                    + " ('git worktree remove -f -f " + wt.path() + "') first"
                    : "its folder is gone: prune the worktrees first (pruneWorktrees(), or 'git worktree prune')";
        }
        return "remove that worktree first (removeWorktree), or switch it to another branch";
    }

    private static Optional<String> read(Path file) {
        try {
            return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                    ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
