package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.FeatureNames;
import dev.agentorchestrator.GitException;
import dev.agentorchestrator.InvalidFeatureNameException;
import dev.agentorchestrator.Worktree;
import dev.agentorchestrator.WorktreeSetup;
import dev.agentorchestrator.internal.process.CommandRunner;
import dev.agentorchestrator.spi.GitRepository;
import dev.agentorchestrator.spi.SessionLog;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.spi.WorktreeRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;

/**
 * Makes a feature's worktree and runs its setup. Names are checked against every rule before
 * anything is written, so a refused feature leaves no trace.
 */
final class WorktreeProvisioner {

    /** Setup failed; the worktree stays for inspection. */
    static final class SetupFailed extends Exception {
        private static final long serialVersionUID = 1L;

        SetupFailed(String message) {
            super(message);
        }
    }

    private final GitRepository git;
    private final Path worktreesDirectory;
    private final String branchPrefix;

    WorktreeProvisioner(GitRepository git, Path worktreesDirectory, String branchPrefix) {
        this.git = git;
        this.worktreesDirectory = worktreesDirectory.toAbsolutePath().normalize();
        this.branchPrefix = branchPrefix;
    }

    String branchFor(String feature) {
        return branchPrefix + feature;
    }

    Path pathFor(String feature) {
        return worktreesDirectory.resolve(feature).normalize();
    }

    /**
     * Checks that a new feature can get its branch and folder: the name rules, and no branch,
     * worktree or non-empty folder already in the way.
     */
    void checkAvailable(String feature) {
        FeatureNames.check(feature);
        Path path = pathFor(feature);
        if (!path.startsWith(worktreesDirectory)) {
            throw new InvalidFeatureNameException(feature, "inside-worktrees-folder", "Invalid feature name '" + feature
                    + "': its folder " + path + " would be outside " + worktreesDirectory + " (rule inside-worktrees-folder).");
        }
        String branch = branchFor(feature);
        if (git.branchExists(branch)) {
            throw new InvalidFeatureNameException(feature, "branch-free", "Invalid feature name '" + feature
                    + "': the branch '" + branch + "' already exists (rule branch-free). Pick another name,"
                    + " or delete the branch with 'git branch -D " + branch + "' if it is not needed.");
        }
        if (git.findWorktree(path).isPresent()) {
            throw new InvalidFeatureNameException(feature, "worktree-free", "Invalid feature name '" + feature
                    + "': a worktree already exists at " + path + " (rule worktree-free). Pick another name,"
                    + " or remove it with 'git worktree remove'.");
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !isEmptyDirectory(path)) {
            throw new InvalidFeatureNameException(feature, "folder-free", "Invalid feature name '" + feature
                    + "': the folder " + path + " already exists and is not empty (rule folder-free)."
                    + " Pick another name, or move the folder away.");
        }
        // git keeps refs as files, so a branch 'feature/a' blocks 'feature/a/b' (and 'feature' blocks both).
        for (int slash = branch.lastIndexOf('/'); slash > 0; slash = branch.lastIndexOf('/', slash - 1)) {
            String parent = branch.substring(0, slash);
            if (git.branchExists(parent)) {
                throw new InvalidFeatureNameException(feature, "branch-free", "Invalid feature name '" + feature
                        + "': the branch '" + parent + "' exists, and git cannot have both '" + parent + "' and '"
                        + branch + "' (rule branch-free). Pick a name that is not nested under an existing branch.");
            }
        }
    }

    /** Creates the worktree on a new branch from {@code base}; throws GitException leaving nothing behind. */
    Path create(String feature, String base) {
        Path path = pathFor(feature);
        try {
            Files.createDirectories(path.getParent());
        } catch (IOException e) {
            throw new GitException("Cannot create the worktrees folder " + path.getParent() + ": " + e.getMessage()
                    + ". Choose another one with Orchestrator.builder().worktreesDirectory(...)", e);
        }
        return git.createWorktree(new WorktreeRequest(path, branchFor(feature), base)).path();
    }

    /**
     * Makes the worktree a session works in: a new one on a new branch for a session that has
     * none; or, when the session's branch exists (its worktree was removed, pruned or never
     * finished), the worktree again on that branch, at the commit the branch is at, so that no
     * commit of the session is lost. A stale entry git still lists for the folder is pruned first.
     */
    Path makeFor(SessionRecord session) {
        return makeFor(session, java.util.Optional.empty());
    }

    /** Like {@link #makeFor(SessionRecord)}, a new branch starting at {@code start} when given (a stacked feature's dependency). */
    Path makeFor(SessionRecord session, java.util.Optional<String> start) {
        if (!git.branchExists(session.branch())) {
            return create(session.name(), start.orElse(session.baseBranch()));
        }
        Optional<Path> own = ownWorktree(session);
        if (own.isPresent()) {
            return own.get();
        }
        Path path = session.worktree().orElse(pathFor(session.name()));
        if (git.findWorktree(path).isPresent() && !Files.isDirectory(path)) {
            git.pruneWorktrees();
        }
        try {
            Files.createDirectories(path.getParent());
        } catch (IOException e) {
            throw new GitException("Cannot create the worktrees folder " + path.getParent() + ": " + e.getMessage(), e);
        }
        return git.createWorktree(WorktreeRequest.existingBranch(path, session.branch())).path();
    }

    /**
     * A whole worktree at the session's folder with the session's branch checked out, which its
     * record may not name: a host killed after the create finished and before the record was
     * written leaves exactly that (found by the engine kill loop, -Dreliability.seed=11755159886509).
     * It is the session's own, so it is taken as it is instead of made again.
     */
    Optional<Path> ownWorktree(SessionRecord session) {
        Path path = session.worktree().orElse(pathFor(session.name()));
        Optional<Worktree> listed = git.findWorktree(path);
        boolean whole = listed.isPresent() && !listed.get().locked() && Files.isRegularFile(path.resolve(".git"));
        return whole && listed.get().branch().filter(session.branch()::equals).isPresent()
                ? Optional.of(listed.get().path()) : Optional.empty();
    }

    /** Copies the listed files and runs the setup command, writing what happens to the log. */
    void setup(Path worktree, WorktreeSetup setup, SessionLog log) throws SetupFailed {
        for (String file : setup.copyFiles()) {
            Path from = git.workTree().resolve(file).normalize();
            Path to = worktree.resolve(file).normalize();
            if (!from.startsWith(git.workTree()) || !to.startsWith(worktree)) {
                throw new SetupFailed("setup: '" + file + "' is outside the worktree");
            }
            if (!Files.isRegularFile(from)) {
                throw new SetupFailed("setup: cannot copy '" + file + "': " + from + " does not exist in the main worktree");
            }
            try {
                Files.createDirectories(to.getParent());
                Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                log.append("# setup: copied " + file);
            } catch (IOException e) {
                throw new SetupFailed("setup: cannot copy '" + file + "': " + e.getMessage());
            }
        }
        if (setup.command().isEmpty()) {
            return;
        }
        log.append("# setup: running " + String.join(" ", setup.command()));
        CommandRunner.Outcome outcome = CommandRunner.run(setup.command(), worktree, Map.of(), setup.timeout(),
                line -> log.append("setup: " + line));
        if (!outcome.startError().isEmpty()) {
            throw new SetupFailed("setup command failed to start: " + outcome.startError());
        }
        if (outcome.timedOut()) {
            throw new SetupFailed("setup command '" + String.join(" ", setup.command()) + "' did not finish within "
                    + setup.timeout() + "; its output is in the session log");
        }
        if (outcome.exitCode() != 0) {
            throw new SetupFailed("setup command '" + String.join(" ", setup.command()) + "' exited with code "
                    + outcome.exitCode() + "; its output is in the session log; the worktree " + worktree + " is kept");
        }
    }

    private static boolean isEmptyDirectory(Path path) {
        if (!Files.isDirectory(path)) {
            return false;
        }
        try (var entries = Files.list(path)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
