package dev.agentorchestrator.internal.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Makes a linked worktree so that an interruption at any instant leaves either nothing git can
 * see or a whole worktree; both backends use it, each supplying the checkout and the branch
 * updates ({@link Steps}).
 *
 * <p>The order, and what a kill after each step leaves:
 * <ol>
 *   <li>the journal ({@link WorktreeJournal}) is written and locked: only the journal;</li>
 *   <li>the id is reserved by making the empty folder {@code .git/worktrees/<id>}, as git's own
 *       mkdir loop does: git lists and checks only entries with a {@code gitdir} file, so it
 *       ignores an empty one;</li>
 *   <li>the administrative files ({@code commondir}, {@code gitdir}, {@code HEAD}) are written
 *       in a staged folder, {@code .git/agent-orchestrator/creating-<token>};</li>
 *   <li>the files are checked out into a hidden staging folder next to the target, with the
 *       index written into the staged administrative folder;</li>
 *   <li>the staging folder is renamed to the target (one rename): a folder git does not know,
 *       whose {@code .git} file points at the still-empty reserved id;</li>
 *   <li>a new branch is created at the commit;</li>
 *   <li>the staged administrative folder is renamed over the empty reserved one (one rename):
 *       from here the worktree is whole and visible;</li>
 *   <li>the journal is deleted.</li>
 * </ol>
 * A failure rolls back at once; a kill leaves the journal, and {@link #recover} rolls back (or,
 * after step 7, just forgets) what it names.
 */
public final class AtomicWorktreeCreate {

    /** What differs between backends. */
    public interface Steps {
        /** Writes every file of {@code commit} into {@code folder}, and the index into {@code adminDir/index}. */
        void checkout(Path adminDir, Path folder, String commit) throws IOException;

        /** Creates {@code branch} at {@code commit}, failing when it exists. */
        void createBranch(String branch, String commit) throws IOException;

        /** Deletes {@code branch} if it still points at {@code commit} and no worktree has it checked out. */
        void deleteBranchIfAt(String branch, String commit) throws IOException;

        /** The commit {@code branch} points at now, empty when it does not exist. */
        Optional<String> branchCommit(String branch) throws IOException;
    }

    /** A test seam: called with each step's name as it completes, so a test can kill the process there. */
    private static volatile Consumer<String> stepHook = step -> { };

    private AtomicWorktreeCreate() {
    }

    /** Installs the step hook (tests only); {@code null} removes it. */
    public static void onStep(Consumer<String> hook) {
        stepHook = hook == null ? step -> { } : hook;
    }

    /** The names {@link #onStep} is called with, in order. */
    public static final List<String> STEPS = List.of("journal", "reserved", "staged-admin", "checked-out",
            "moved", "branch", "visible");

    /**
     * Makes the worktree; the caller has checked the request (branch, commit, target free).
     *
     * @param target the worktree folder, canonical; missing, or an empty folder
     * @return the worktree's administrative folder {@code .git/worktrees/<id>}
     * @throws IOException when a step fails; everything written was removed again, or the
     *                     suppressed exceptions name what could not be
     */
    public static Path create(Path commonDir, Path target, String branch, boolean createBranch, String commit,
                              Steps steps) throws IOException {
        String token = WorktreeJournal.newToken();
        boolean targetExisted = Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
        Optional<Path> firstMissing = Optional.ofNullable(CanonicalPaths.firstMissing(target)).filter(p -> !targetExisted);
        Path staging = target.resolveSibling("." + target.getFileName() + "." + WorktreeJournal.PREFIX + token);
        WorktreeJournal.Entry entry = new WorktreeJournal.Entry(target, staging, branch, createBranch, commit,
                targetExisted, firstMissing, Optional.empty());
        WorktreeJournal journal = WorktreeJournal.begin(commonDir, token, entry);
        Path adminRoot = commonDir.resolve("worktrees");
        Path staged = WorktreeJournal.stagedAdmin(commonDir, token);
        Path admin = null;
        boolean branchMade = false;
        try {
            step("journal");
            admin = reserveId(adminRoot, target);
            journal.recordAdminId(admin.getFileName().toString());
            step("reserved");

            Files.createDirectory(staged);
            writeLine(staged.resolve("commondir"), "../..");
            writeLine(staged.resolve("gitdir"), target.resolve(".git").toString());
            writeLine(staged.resolve("HEAD"), "ref: refs/heads/" + branch);
            step("staged-admin");

            Files.createDirectories(target.getParent());
            Files.createDirectory(staging);
            writeLine(staging.resolve(".git"), "gitdir: " + admin);
            steps.checkout(staged, staging, commit);
            step("checked-out");

            // rename(2) replaces an empty folder, so an empty target folder is taken over in the same step.
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            step("moved");

            if (createBranch) {
                steps.createBranch(branch, commit);
                branchMade = true;
            } else {
                // The branch was checked before the checkout; if it moved since, the new worktree
                // would show the difference as uncommitted changes, so stop instead.
                String now = steps.branchCommit(branch).orElse("(deleted)");
                if (!now.equals(commit)) {
                    throw new IOException("the branch '" + branch + "' moved from " + commit + " to " + now
                            + " while its worktree was being made");
                }
            }
            step("branch");

            Files.move(staged, admin, StandardCopyOption.ATOMIC_MOVE);
            step("visible");
        } catch (IOException | RuntimeException | Error e) {
            try {
                // Only a branch this call made is deleted: a failed create may have met someone else's.
                rollBack(commonDir, token, entry.withAdmin(admin), branchMade, steps);
                journal.finish();
            } catch (IOException | RuntimeException undo) {
                e.addSuppressed(undo);
                journal.close();
            }
            throw e;
        }
        journal.finish();
        return admin;
    }

    /**
     * Finishes every removal that was interrupted ({@link AtomicWorktreeRemove#recover}), rolls
     * back every create whose journal no live process holds (see {@link WorktreeJournal}), and
     * removes staged administrative folders nobody journals any more.
     *
     * @return the target folders of the creates that were rolled back (not of those that had finished)
     */
    public static List<Path> recover(Path commonDir, Steps steps) throws IOException {
        List<Path> rolledBack = new ArrayList<>();
        IOException failure = null;
        // A removal that had begun is finished first: its worktree is no longer listed, only its files are left.
        AtomicWorktreeRemove.recover(commonDir);
        for (WorktreeJournal.Abandoned abandoned : WorktreeJournal.claimAbandoned(commonDir)) {
            WorktreeJournal journal = abandoned.journal();
            try {
                if (abandoned.entry().isEmpty()) {
                    // Died before the journal was written: nothing else exists but perhaps its staged folder.
                    CanonicalPaths.deleteRecursively(WorktreeJournal.stagedAdmin(commonDir, journal.token()));
                } else if (rollBack(commonDir, journal.token(), abandoned.entry().get(),
                        abandoned.entry().get().createBranch(), steps)) {
                    rolledBack.add(abandoned.entry().get().target());
                }
                journal.finish();
            } catch (IOException | RuntimeException e) {
                journal.close();
                IOException wrapped = new IOException("cannot roll back the unfinished worktree create of journal "
                        + journal.token() + ": " + e.getMessage(), e);
                if (failure == null) {
                    failure = wrapped;
                } else {
                    failure.addSuppressed(wrapped);
                }
            }
        }
        for (Path orphan : WorktreeJournal.orphanedStagedAdmins(commonDir)) {
            CanonicalPaths.deleteRecursively(orphan);
        }
        if (failure != null) {
            throw failure;
        }
        return List.copyOf(rolledBack);
    }

    /**
     * Undoes what the create of {@code entry} did, unless it had finished (its administrative
     * folder is in place, pointing at the target). Each step checks that what it removes is this
     * create's own.
     *
     * @return true when something was rolled back, false when the create had finished
     */
    private static boolean rollBack(Path commonDir, String token, WorktreeJournal.Entry entry, boolean deleteBranch,
                                    Steps steps) throws IOException {
        Path staged = WorktreeJournal.stagedAdmin(commonDir, token);
        Optional<Path> admin = entry.adminId().map(id -> commonDir.resolve("worktrees").resolve(id));
        String dotGit = entry.target().resolve(".git").toString();
        if (admin.isPresent() && !Files.exists(staged)
                && read(admin.get().resolve("gitdir")).filter(dotGit::equals).isPresent()) {
            return false;
        }
        CanonicalPaths.deleteRecursively(staged);
        CanonicalPaths.deleteRecursively(entry.staging());
        boolean targetIsOurs = admin.isPresent() && read(entry.target().resolve(".git"))
                .filter(("gitdir: " + admin.get())::equals).isPresent();
        if (targetIsOurs) {
            CanonicalPaths.deleteRecursively(entry.target());
            if (entry.targetExisted()) {
                Files.createDirectories(entry.target());
            }
        }
        if (entry.firstMissing().isPresent() && entry.target().getParent() != null) {
            CanonicalPaths.deleteEmptyFolders(entry.target().getParent(), entry.firstMissing().get().getParent());
        }
        if (admin.isPresent() && Files.isDirectory(admin.get()) && CanonicalPaths.isEmptyDirectory(admin.get())) {
            Files.deleteIfExists(admin.get());
            deleteIfEmpty(admin.get().getParent());
        }
        if (deleteBranch) {
            // A git killed while it created this create's own new branch leaves that ref's lock file; no one
            // else writes a branch that this create was making, so the lock is stale and would block a retry.
            Files.deleteIfExists(commonDir.resolve("refs/heads").resolve(entry.branch() + ".lock"));
            steps.deleteBranchIfAt(entry.branch(), entry.commit());
        }
        return true;
    }

    /** Makes {@code .git/worktrees/<id>}, trying id, id1, id2... as git's mkdir loop does. */
    private static Path reserveId(Path adminRoot, Path target) throws IOException {
        String id = WorktreeIds.baseId(target);
        Files.createDirectories(adminRoot);
        for (int attempt = 0; ; attempt++) {
            try {
                return Files.createDirectory(adminRoot.resolve(WorktreeIds.candidate(id, attempt)));
            } catch (FileAlreadyExistsException taken) {
                // Another worktree has it (or is being made right now); try the next number.
            }
        }
    }

    private static void step(String name) {
        stepHook.accept(name);
    }

    private static void writeLine(Path file, String text) throws IOException {
        Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void deleteIfEmpty(Path folder) {
        if (folder != null && Files.isDirectory(folder) && CanonicalPaths.isEmptyDirectory(folder)) {
            try {
                Files.deleteIfExists(folder);
            } catch (IOException raced) {
                // Something was added meanwhile; keeping the folder is right.
            }
        }
    }
}
