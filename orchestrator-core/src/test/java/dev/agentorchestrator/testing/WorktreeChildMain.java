package dev.agentorchestrator.testing;

import dev.agentorchestrator.internal.git.AtomicWorktreeCreate;
import dev.agentorchestrator.internal.git.AtomicWorktreeRemove;
import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.GitRepository;
import dev.agentorchestrator.spi.WorktreeRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;

/**
 * The process a worktree crash test kills, started by {@link WorktreeChildJvm}.
 *
 * <ul>
 *   <li>{@code pause BACKEND REPO STEP PATH BRANCH BASE READY}: creates the worktree, but when the
 *       create reaches STEP (see {@link AtomicWorktreeCreate#STEPS}) creates READY and blocks until
 *       killed;</li>
 *   <li>{@code pause-remove BACKEND REPO STEP PATH READY}: removes the worktree at PATH (forced),
 *       but when the removal reaches STEP (see {@link AtomicWorktreeRemove#STEPS}) creates READY
 *       and blocks until killed;</li>
 *   <li>{@code loop BACKEND REPO FIRST REMOVE_EVERY LOG READY}: creates worktrees {@code w<FIRST>},
 *       {@code w<FIRST+1>}, ... next to REPO on branches {@code feature/w<n>} from {@code main}, and
 *       removes every REMOVE_EVERY-th again (0: never), appending {@code start}, {@code created},
 *       {@code removing} and {@code removed} lines to LOG, until killed.</li>
 * </ul>
 */
public final class WorktreeChildMain {

    private WorktreeChildMain() {
    }

    public static void main(String[] args) throws Exception {
        GitBackend backend = (GitBackend) Class.forName(args[1]).getConstructor().newInstance();
        try (GitRepository repo = backend.open(Path.of(args[2]))) {
            switch (args[0]) {
                case "pause" -> pause(repo, args[3], Path.of(args[4]), args[5], args[6], Path.of(args[7]));
                case "pause-remove" -> pauseRemove(repo, args[3], Path.of(args[4]), Path.of(args[5]));
                case "loop" -> loop(repo, Integer.parseInt(args[3]), Integer.parseInt(args[4]), Path.of(args[5]),
                        Path.of(args[6]));
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        }
    }

    private static void pause(GitRepository repo, String step, Path path, String branch, String base, Path ready)
            throws Exception {
        AtomicWorktreeCreate.onStep(reached -> {
            if (reached.equals(step)) {
                try {
                    Files.createFile(ready);
                    new CountDownLatch(1).await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        WorktreeRequest request = branch.startsWith("existing:")
                ? WorktreeRequest.existingBranch(path, branch.substring("existing:".length()), base)
                : new WorktreeRequest(path, branch, base);
        repo.createWorktree(request);
        throw new AssertionError("the create returned, but it should have blocked at step " + step);
    }

    private static void pauseRemove(GitRepository repo, String step, Path path, Path ready) throws Exception {
        AtomicWorktreeRemove.onStep(reached -> {
            if (reached.equals(step)) {
                try {
                    Files.createFile(ready);
                    new CountDownLatch(1).await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        repo.removeWorktree(path, true);
        throw new AssertionError("the removal returned, but it should have blocked at step " + step);
    }

    private static void loop(GitRepository repo, int first, int removeEvery, Path log, Path ready) throws Exception {
        Files.createFile(ready);
        for (int n = first; ; n++) {
            String name = "w" + n;
            Path path = worktreeFolder(repo.workTree(), name);
            note(log, "start " + name);
            repo.createWorktree(new WorktreeRequest(path, "feature/" + name, "main"));
            note(log, "created " + name);
            if (removeEvery > 0 && n % removeEvery == 0) {
                note(log, "removing " + name);
                repo.removeWorktree(path, true);
                note(log, "removed " + name);
            }
        }
    }

    /** Where the loop puts worktree {@code name}: {@code <repo>.worktrees/<name>}. */
    public static Path worktreeFolder(Path repo, String name) {
        return repo.resolveSibling(repo.getFileName() + ".worktrees").resolve(name);
    }

    private static void note(Path log, String line) throws Exception {
        // One write(2) per line: the kernel keeps it even when the process is killed right after.
        Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
