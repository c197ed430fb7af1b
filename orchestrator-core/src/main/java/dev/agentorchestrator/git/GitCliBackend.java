package dev.agentorchestrator.git;

import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.spi.Availability;
import java.util.List;

import dev.agentorchestrator.GitException;
import dev.agentorchestrator.internal.git.CliGitRepository;
import dev.agentorchestrator.internal.git.GitProcess;
import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.GitRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@link GitBackend} that runs the {@code git} binary (2.36 or newer). Every call starts one
 * git process with its arguments as a list (never through a shell), reads git's NUL-separated
 * machine output, and stops git when it takes longer than the timeout.
 *
 * <pre>{@code
 * try (GitRepository repo = new GitCliBackend().open(Path.of("."))) {
 *     repo.createWorktree(new WorktreeRequest(Path.of("../app.worktrees/auth"), "feature/auth", "main"));
 * }
 * }</pre>
 *
 * <p>Found through {@link java.util.ServiceLoader} with priority 10. Thread-safe.
 */
public final class GitCliBackend implements GitBackend {

    /** How long one git call may take unless a constructor says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    private final GitProcess git;

    /** Uses {@code git} from the {@code PATH}. */
    public GitCliBackend() {
        this.git = new GitProcess("git", true, DEFAULT_TIMEOUT);
    }

    /** Uses the git executable at {@code gitExecutable}. */
    public GitCliBackend(Path gitExecutable) {
        this(gitExecutable, DEFAULT_TIMEOUT);
    }

    /** Uses the git executable at {@code gitExecutable}, stopping any call that runs longer than {@code timeout}. */
    public GitCliBackend(Path gitExecutable, Duration timeout) {
        Objects.requireNonNull(gitExecutable, "gitExecutable");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new ConfigurationException("timeout must be positive, was " + timeout);
        }
        this.git = new GitProcess(gitExecutable.toString(), false, timeout);
    }

    @Override
    public String name() {
        return "git-cli";
    }

    @Override
    public int priority() {
        return 10;
    }

    /** Usable when the git binary answers {@code git version} with 2.36 or newer. */
    @Override
    public Availability availability() {
        try {
            git.checkAvailable();
            return Availability.usable("git binary (" + git.run(null, List.of("version")).stdout().trim() + ")");
        } catch (GitException e) {
            return Availability.unusable(e.getMessage());
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws GitException also when git is not installed or older than 2.36
     */
    @Override
    public GitRepository open(Path directory) {
        Objects.requireNonNull(directory, "directory");
        return CliGitRepository.open(git, directory);
    }

    @Override
    public String toString() {
        return "GitCliBackend[" + name() + "]";
    }
}
