package dev.agentorchestrator.internal.process;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Ends a process and everything it started. Agents run tools (shells, test runners, servers) that
 * outlive their parent when only the parent is killed, so the whole tree is collected first.
 */
public final class ProcessTrees {

    private ProcessTrees() {
    }

    /**
     * Sends SIGTERM to the process and its descendants, waits up to {@code grace} for them to end,
     * then kills what is left. Returns when they have all ended (or after a last short wait).
     */
    public static void terminate(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = snapshot(root);
        // Children first, so a parent that restarts its children on SIGCHLD has nothing to restart.
        for (int i = tree.size() - 1; i >= 0; i--) {
            tree.get(i).destroy();
        }
        Instant deadline = Instant.now().plus(grace);
        for (ProcessHandle p : tree) {
            awaitEnd(p, Duration.between(Instant.now(), deadline));
        }
        // Descendants may have appeared while we waited: take a new look before killing.
        List<ProcessHandle> left = new ArrayList<>(tree);
        if (root.isAlive()) {
            left.addAll(snapshot(root));
        }
        for (ProcessHandle p : left) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        for (ProcessHandle p : left) {
            awaitEnd(p, Duration.ofSeconds(5));
        }
    }

    /**
     * The process with this pid, if it is alive and (when {@code startedAt} is given) started at
     * that instant, so that a recorded pid that the system has since reused is not mistaken for it.
     */
    public static Optional<ProcessHandle> find(long pid, Optional<Instant> startedAt) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isEmpty() || startedAt.isEmpty()) {
            return handle;
        }
        Optional<Instant> actual = handle.get().info().startInstant();
        if (actual.isEmpty()) {
            return handle;
        }
        // start instants are reported with clock-tick resolution; allow a second of slack
        long diff = Math.abs(actual.get().toEpochMilli() - startedAt.get().toEpochMilli());
        return diff <= 1000 ? handle : Optional.empty();
    }

    private static List<ProcessHandle> snapshot(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(root);
        root.descendants().forEach(all::add);
        return all;
    }

    private static void awaitEnd(ProcessHandle p, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero() || !p.isAlive()) {
            return;
        }
        try {
            p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception timeoutOrFailure) {
            // still alive: the caller kills it
        }
    }
}
