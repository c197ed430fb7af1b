package dev.agentorchestrator.jgit;

import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.GitRepository;
import java.nio.file.Path;

/**
 * The {@link GitBackend} on JGit: worktrees, branches and diffs with no {@code git} binary.
 *
 * <p>JGit reads linked worktrees but has no command that adds one, so this backend writes the
 * administrative files exactly as C git 2.39's {@code git worktree add} does
 * ({@code .git/worktrees/<id>/{HEAD,commondir,gitdir,index}} and the worktree's {@code .git}
 * file), and checks the tree out itself. Worktrees made by either are usable by both.
 *
 * <p>A new worktree's files are written by a few threads (twice the processors, at least 2, at
 * most 8); the system property {@code agentorchestrator.jgit.checkoutThreads} overrides that, for
 * example {@code 1} on a file system that handles parallel writes badly.
 *
 * <p>Registered for {@link java.util.ServiceLoader} with priority 100, so it is chosen over the
 * git-binary backend when both are on the class path.
 *
 * <pre>{@code
 * try (GitRepository repo = new JGitBackend().open(Path.of("."))) {
 *     repo.createWorktree(new WorktreeRequest(Path.of("../wt/auth"), "feature/auth", "main"));
 * }
 * }</pre>
 */
public final class JGitBackend implements GitBackend {

    /** The backend's {@link #name()}. */
    public static final String NAME = "jgit";

    /** Creates the backend; it holds no state, every repository is opened by {@link #open(Path)}. */
    public JGitBackend() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public GitRepository open(Path directory) {
        return JGitRepository.open(directory);
    }

    @Override
    public String toString() {
        return "JGitBackend";
    }
}
