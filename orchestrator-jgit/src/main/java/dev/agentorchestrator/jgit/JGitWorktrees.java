package dev.agentorchestrator.jgit;

import dev.agentorchestrator.ChangedFile;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.Worktree;
import dev.agentorchestrator.internal.git.AtomicWorktreeRemove;
import dev.agentorchestrator.internal.git.HalfMadeWorktrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;

/**
 * Lists, locks, removes and prunes worktrees by reading and writing {@code .git/worktrees/<id>/}
 * as C git 2.39 does ({@code builtin/worktree.c}, {@code worktree.c}). Making one is
 * {@link WorktreeCreator}'s job.
 */
final class JGitWorktrees {

    /** Linked worktrees sorted as {@code git worktree list} sorts them: by path, bytewise. */
    private static final Comparator<Worktree> BY_PATH = (a, b) -> Arrays.compareUnsigned(
            a.path().toString().getBytes(StandardCharsets.UTF_8), b.path().toString().getBytes(StandardCharsets.UTF_8));

    private final JGitRepository repo;

    JGitWorktrees(JGitRepository repo) {
        this.repo = repo;
    }

    Path adminRoot() {
        return repo.commonDir().resolve("worktrees");
    }

    /** The main worktree first, then the linked ones by path, like {@code git worktree list --porcelain}. */
    List<Worktree> list() {
        try {
            List<Worktree> linked = new ArrayList<>();
            for (LinkedWorktreeAdmin admin : LinkedWorktreeAdmin.readAll(repo.commonDir())) {
                // git skips an entry whose gitdir file is missing or empty (get_linked_worktree).
                if (admin.worktreeFolder().isPresent()) {
                    linked.add(toWorktree(admin));
                }
            }
            linked.sort(BY_PATH);
            List<Worktree> all = new ArrayList<>(linked.size() + 1);
            all.add(mainWorktree());
            all.addAll(linked);
            return List.copyOf(all);
        } catch (IOException e) {
            throw new GitException("Cannot list the worktrees of " + repo.workTree() + ": " + e.getMessage(), e);
        }
    }

    private Worktree mainWorktree() throws IOException {
        Ref head = repo.main().exactRef(Constants.HEAD);
        Optional<String> branch = repo.currentBranch();
        Optional<String> id = head == null || head.getObjectId() == null
                ? Optional.empty() : Optional.of(head.getObjectId().name());
        return new Worktree(repo.workTree(), "", branch, id, true, false, Optional.empty(), false);
    }

    private Worktree toWorktree(LinkedWorktreeAdmin admin) throws IOException {
        Optional<String> branch = Optional.empty();
        Optional<String> head = Optional.empty();
        String text = FileOps.read(admin.dir().resolve(LinkedWorktreeAdmin.HEAD)).orElse("").strip();
        if (text.startsWith("ref:")) {
            String target = text.substring(4).strip();
            branch = Optional.of(Repository.shortenRefName(target));
            Ref ref = repo.main().exactRef(target);
            if (ref != null && ref.getObjectId() != null) {
                head = Optional.of(ref.getObjectId().name());
            }
        } else if (ObjectId.isId(text)) {
            head = Optional.of(text);
        }
        return new Worktree(admin.worktreeFolder().orElseThrow(), admin.id(), branch, head, false,
                admin.locked(), admin.lockReason().filter(r -> !r.isEmpty()), admin.pruneReason().isPresent());
    }

    /** The worktree whose folder is {@code path}, compared as given and with links resolved. */
    Optional<Worktree> find(Path path) {
        Path wanted = path.toAbsolutePath().normalize();
        Path real = wanted;
        try {
            real = wanted.toRealPath();
        } catch (IOException e) {
            // A missing folder (a prunable worktree) can only match as given.
        }
        Path resolved = real;
        return list().stream().filter(w -> w.path().equals(wanted) || w.path().equals(resolved)).findFirst();
    }

    private Worktree linked(Path path, String action) {
        Worktree wt = find(path).orElseThrow(() -> new GitException("Cannot " + action + " '" + path
                + "': it is not a worktree of " + repo.workTree() + ". Known worktrees: "
                + list().stream().map(w -> w.path().toString()).collect(Collectors.joining(", ")) + "."));
        if (wt.main()) {
            throw new GitException("Cannot " + action + " '" + path + "': it is the main working tree of the"
                    + " repository, and this applies to linked worktrees only. Pass a linked worktree's folder.");
        }
        return wt;
    }

    void remove(Path path, boolean force) {
        Worktree wt = linked(path, "remove");
        if (wt.locked() && !force) {
            throw new GitException("Cannot remove the worktree at " + wt.path() + ": it is locked"
                    + wt.lockReason().map(r -> " (" + r + ")").orElse("")
                    + ". Unlock it first with unlockWorktree, or remove it with force=true.");
        }
        Path admin = adminRoot().resolve(wt.id());
        try {
            boolean whole = AtomicWorktreeRemove.pointsBack(wt.path(), admin);
            if (Files.exists(wt.path())) {
                if (!force) {
                    List<ChangedFile> changes;
                    try (Repository r = JGitRepository.openLinked(admin, wt.path())) {
                        changes = repo.diffs().uncommittedChanges(r);
                    }
                    if (!changes.isEmpty()) {
                        throw new GitException("Cannot remove the worktree at " + wt.path() + ": it has "
                                + changes.size() + " uncommitted change(s) or untracked file(s), for example '"
                                + changes.get(0).path() + "'. Commit or discard them, or remove it with force=true.");
                    }
                }
                if (whole) {
                    // A kill must never leave it listed with files missing, as deleting the files first would.
                    AtomicWorktreeRemove.remove(repo.commonDir(), admin, wt.path());
                } else {
                    FileOps.deleteRecursively(wt.path());
                }
            }
            FileOps.deleteRecursively(admin);
            FileOps.deleteIfEmpty(adminRoot());
        } catch (IOException e) {
            throw new GitException("Cannot remove the worktree at " + wt.path() + ": " + e.getMessage()
                    + ". Check file permissions and that no process holds files open there.", e);
        }
        HalfMadeWorktrees.checkGone(wt, list().stream().anyMatch(w -> w.id().equals(wt.id())));
    }

    List<Path> prune() {
        try {
            List<Path> pruned = new ArrayList<>();
            for (LinkedWorktreeAdmin admin : LinkedWorktreeAdmin.readAll(repo.commonDir())) {
                if (admin.pruneReason().isPresent()) {
                    FileOps.deleteRecursively(admin.dir());
                    pruned.add(admin.worktreeFolder().orElse(admin.dir()));
                }
            }
            FileOps.deleteIfEmpty(adminRoot());
            return List.copyOf(pruned);
        } catch (IOException e) {
            throw new GitException("Cannot prune the worktrees of " + repo.workTree() + ": " + e.getMessage(), e);
        }
    }

    void lock(Path path, String reason) {
        Worktree wt = linked(path, "lock");
        if (wt.locked()) {
            throw new GitException("Cannot lock the worktree at " + wt.path() + ": it is already locked"
                    + wt.lockReason().map(r -> " (" + r + ")").orElse("") + ". Unlock it first to change the reason.");
        }
        try {
            FileOps.writeLine(adminRoot().resolve(wt.id()).resolve(LinkedWorktreeAdmin.LOCKED),
                    reason == null ? "" : reason.strip());
        } catch (IOException e) {
            throw new GitException("Cannot lock the worktree at " + wt.path() + ": " + e.getMessage(), e);
        }
    }

    void unlock(Path path) {
        Worktree wt = linked(path, "unlock");
        if (!wt.locked()) {
            throw new GitException("Cannot unlock the worktree at " + wt.path() + ": it is not locked.");
        }
        try {
            Files.deleteIfExists(adminRoot().resolve(wt.id()).resolve(LinkedWorktreeAdmin.LOCKED));
        } catch (IOException e) {
            throw new GitException("Cannot unlock the worktree at " + wt.path() + ": " + e.getMessage(), e);
        }
    }
}
