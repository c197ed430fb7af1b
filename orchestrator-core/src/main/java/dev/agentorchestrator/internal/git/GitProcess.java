package dev.agentorchestrator.internal.git;

import dev.agentorchestrator.GitException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the {@code git} binary: arguments as a list (never a shell), a fixed environment so that
 * output is parseable, both output streams drained concurrently, and a time limit on every call.
 */
public final class GitProcess {

    /** How one git call ended; {@code stdout} is raw bytes decoded as UTF-8, because git writes paths as bytes. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Oldest git with {@code worktree list --porcelain -z} and the {@code prunable} field. */
    static final int[] MINIMUM_VERSION = {2, 36};

    /**
     * Variables that would point git at another repository, index or work tree than the folder we
     * run it in; a host running inside a git hook has them set.
     */
    private static final List<String> INHERITED_GIT_VARIABLES = List.of(
            "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY",
            "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_PREFIX", "GIT_QUARANTINE_PATH");

    private static final ExecutorService DRAINERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "git-cli-output");
        thread.setDaemon(true);
        return thread;
    });

    private static final Pattern VERSION = Pattern.compile("git version (\\d+)\\.(\\d+)");

    private final String executable;
    private final boolean fromPath;
    private final Duration timeout;
    private volatile boolean versionChecked;

    public GitProcess(String executable, boolean fromPath, Duration timeout) {
        this.executable = executable;
        this.fromPath = fromPath;
        this.timeout = timeout;
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * Checks once that git can be started and is new enough, so that a missing or old binary gives
     * one clear message instead of a parse failure later.
     */
    public void checkAvailable() {
        if (versionChecked) {
            return;
        }
        Result result = run(null, List.of("version"));
        Matcher m = VERSION.matcher(result.stdout());
        if (!result.ok() || !m.find()) {
            throw new GitException("'" + executable + " version' did not report a git version (exit "
                    + result.exitCode() + "): " + result.stdout().strip() + " " + result.stderr().strip()
                    + "; check that it is the git binary, or use the JGit backend (orchestrator-jgit)");
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major < MINIMUM_VERSION[0] || major == MINIMUM_VERSION[0] && minor < MINIMUM_VERSION[1]) {
            throw new GitException("git " + major + "." + minor + " at '" + executable + "' is too old: the git-cli"
                    + " backend needs git " + MINIMUM_VERSION[0] + "." + MINIMUM_VERSION[1]
                    + " or newer (for 'git worktree list --porcelain -z'); upgrade git or use the JGit backend"
                    + " (orchestrator-jgit)");
        }
        versionChecked = true;
    }

    /** Runs git in {@code directory} and throws when it exits non-zero, naming {@code what} was attempted. */
    public Result runOk(Path directory, List<String> args, String what) {
        Result result = run(directory, args);
        if (!result.ok()) {
            throw failure(what, result);
        }
        return result;
    }

    /** A GitException for a failed call: what was attempted, the command, the exit code and git's stderr. */
    public static GitException failure(String what, Result result) {
        return new GitException(what + ": '" + render(result.command()) + "' exited with " + result.exitCode()
                + (result.stderr().isBlank() ? "" : ": " + result.stderr().strip()));
    }

    /** Runs git in {@code directory} (or the current folder when null) and returns however it ended. */
    public Result run(Path directory, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.add("--no-pager");
        // Paths come back as raw UTF-8 instead of octal escapes, and no colour codes sneak in.
        command.addAll(List.of("-c", "core.quotepath=false", "-c", "color.ui=false"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        Map<String, String> env = builder.environment();
        INHERITED_GIT_VARIABLES.forEach(env::remove);
        env.put("LC_ALL", "C");
        env.put("GIT_TERMINAL_PROMPT", "0");
        // Reading commands (status) must not take index.lock: an agent may be committing right now.
        env.put("GIT_OPTIONAL_LOCKS", "0");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new GitException(fromPath
                    ? "git executable not found on PATH; install git or use the JGit backend (orchestrator-jgit)"
                    : "git executable '" + executable + "' cannot be run (" + e.getMessage()
                    + "); install git there or use the JGit backend (orchestrator-jgit)", e);
        }
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // git reads no input; a closed pipe is what we want anyway
        }
        CompletableFuture<byte[]> out = drain(process.getInputStream());
        CompletableFuture<byte[]> err = drain(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new GitException("'" + render(shown(args)) + "' did not finish within " + timeout.toSeconds()
                        + " s and was stopped; check for a hanging hook or a lock held by another git process,"
                        + " or give the backend a longer timeout");
            }
            return new Result(shown(args), process.exitValue(), text(out), text(err));
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new GitException("interrupted while running '" + render(shown(args)) + "'", e);
        }
    }

    /** The command for messages: the fixed options we add to every call are left out as noise. */
    private List<String> shown(List<String> args) {
        List<String> shown = new ArrayList<>();
        shown.add(executable);
        shown.addAll(args);
        return List.copyOf(shown);
    }

    private String text(CompletableFuture<byte[]> stream) throws InterruptedException {
        try {
            // The process has exited; only a detached grandchild could keep the pipe open.
            return new String(stream.get(timeout.toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.UTF_8);
        } catch (ExecutionException | TimeoutException e) {
            return "";
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return stream.readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        }, DRAINERS);
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** The command as a person would type it; arguments with spaces are shown in quotes, for reading only. */
    static String render(List<String> command) {
        StringBuilder out = new StringBuilder();
        for (String arg : command) {
            if (out.length() > 0) {
                out.append(' ');
            }
            boolean quote = arg.isEmpty() || arg.chars().anyMatch(c -> Character.isWhitespace(c) || c == '\'');
            out.append(quote ? "'" + arg.replace("'", "'\\''") + "'" : arg);
        }
        return out.toString();
    }
}
