package dev.agentorchestrator.jgit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One folder under {@code .git/worktrees/}, read the way C git's {@code worktree.c} reads it.
 *
 * @param id         the folder's name, the worktree's administrative id
 * @param dir        the folder itself
 * @param gitdirFile what the {@code gitdir} file says (the worktree's {@code .git} file), trimmed;
 *                   empty when the file is missing, unreadable or empty
 * @param lockReason present when a {@code locked} file exists: its trimmed text, possibly empty
 */
record LinkedWorktreeAdmin(String id, Path dir, Optional<String> gitdirFile, Optional<String> lockReason) {

    static final String GITDIR = "gitdir";
    static final String COMMONDIR = "commondir";
    static final String HEAD = "HEAD";
    static final String LOCKED = "locked";
    static final String INDEX = "index";

    /** Every administrative folder of the repository whose common git directory is {@code commonDir}. */
    static List<LinkedWorktreeAdmin> readAll(Path commonDir) throws IOException {
        Path worktrees = commonDir.resolve("worktrees");
        List<LinkedWorktreeAdmin> all = new ArrayList<>();
        if (!Files.isDirectory(worktrees)) {
            return all;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(worktrees)) {
            for (Path dir : dirs) {
                all.add(read(dir));
            }
        }
        return all;
    }

    static LinkedWorktreeAdmin read(Path dir) throws IOException {
        Optional<String> gitdir = Optional.empty();
        Optional<String> lock = Optional.empty();
        if (Files.isDirectory(dir)) {
            gitdir = FileOps.read(dir.resolve(GITDIR)).map(String::strip).filter(s -> !s.isEmpty());
            lock = FileOps.read(dir.resolve(LOCKED)).map(String::strip);
        }
        return new LinkedWorktreeAdmin(dir.getFileName().toString(), dir, gitdir, lock);
    }

    boolean locked() {
        return lockReason.isPresent();
    }

    /** The worktree's folder: the {@code gitdir} file's path without its {@code /.git}. */
    Optional<Path> worktreeFolder() {
        return dotGitFile().map(dotGit -> {
            return dotGit.getFileName() != null && dotGit.getFileName().toString().equals(".git")
                    ? dotGit.getParent() : dotGit;
        });
    }

    /**
     * The worktree's {@code .git} file. git 2.39 writes an absolute path; newer git can write one
     * relative to this folder ({@code worktree.useRelativePaths}), which is resolved here.
     */
    private Optional<Path> dotGitFile() {
        return gitdirFile.map(g -> dir.resolve(g).normalize());
    }

    /**
     * Why {@code git worktree prune} would remove this entry ({@code should_prune_worktree}), or
     * empty when it would keep it. A locked entry is always kept.
     */
    Optional<String> pruneReason() {
        if (!Files.isDirectory(dir)) {
            return Optional.of("not a valid directory");
        }
        if (locked()) {
            return Optional.empty();
        }
        if (!Files.exists(dir.resolve(GITDIR))) {
            return Optional.of("gitdir file does not exist");
        }
        if (gitdirFile.isEmpty()) {
            return Optional.of("invalid gitdir file");
        }
        if (!Files.exists(dotGitFile().orElseThrow())) {
            return Optional.of("gitdir file points to non-existent location");
        }
        return Optional.empty();
    }
}
