package dev.agentorchestrator.examples.cli;

import dev.agentorchestrator.examples.cli.config.OrchestratorConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a repository keeps what the command line needs: the main worktree (with the config file)
 * and the common git directory (with the state and the engine's files). Found by reading
 * {@code .git} and its {@code gitdir:} / {@code commondir} files directly, so read-only commands
 * need neither the git binary nor JGit.
 *
 * @param mainWorktree the repository's main working tree
 * @param commonGitDir the git directory every worktree shares (usually {@code <main>/.git})
 */
public record RepositoryLayout(Path mainWorktree, Path commonGitDir) {

    /**
     * The repository holding {@code start} (a folder anywhere inside the main worktree or a linked one).
     *
     * @throws CliException with {@link ExitCodes#FAILURE} when there is none
     */
    public static RepositoryLayout locate(Path start) {
        Path dir = start.toAbsolutePath().normalize();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path dotGit = d.resolve(".git");
            if (Files.isDirectory(dotGit)) {
                return new RepositoryLayout(d, commonDir(dotGit));
            }
            if (Files.isRegularFile(dotGit)) {
                Path gitDir = gitDirOf(dotGit);
                Path common = commonDir(gitDir);
                Path main = common.getFileName() != null && common.getFileName().toString().equals(".git") ? common.getParent() : d;
                return new RepositoryLayout(main, common);
            }
        }
        throw new CliException(ExitCodes.FAILURE, "not inside a git repository (looked for .git from " + dir
                + " upwards); cd into your project, or make one with 'git init' and a first commit");
    }

    private static Path gitDirOf(Path dotGitFile) {
        String text = read(dotGitFile).strip();
        if (!text.startsWith("gitdir:")) {
            throw new CliException(ExitCodes.FAILURE, dotGitFile + " is neither a folder nor a 'gitdir:' file; is the checkout damaged?");
        }
        return dotGitFile.getParent().resolve(text.substring("gitdir:".length()).strip()).normalize();
    }

    private static Path commonDir(Path gitDir) {
        Path pointer = gitDir.resolve("commondir");
        if (Files.isRegularFile(pointer)) {
            return gitDir.resolve(read(pointer).strip()).normalize();
        }
        return gitDir;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** {@code agent-orchestrator.yaml} in the main worktree. */
    public Path configFile() {
        return mainWorktree.resolve(OrchestratorConfig.FILE_NAME);
    }

    /** The folder the state store and the engine keep their files in. */
    public Path stateDirectory() {
        return commonGitDir.resolve("agent-orchestrator");
    }

    /** The engine process's folder: token, address, log. */
    public Path engineDirectory() {
        return stateDirectory().resolve("engine");
    }
}
