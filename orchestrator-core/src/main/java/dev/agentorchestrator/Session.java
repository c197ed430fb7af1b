package dev.agentorchestrator;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One feature's session at one moment, as a host sees it: an immutable snapshot. Take another
 * ({@link Orchestrator#session(String)}, {@link Orchestrator#status()}) to see changes; a higher
 * {@link #revision()} is a newer snapshot of the same session.
 *
 * @param name           the feature name, unique in the repository
 * @param prompt         the task given to the agent
 * @param baseBranch     the branch the feature starts from and merges into
 * @param branch         the feature's own branch, such as {@code feature/auth-api}
 * @param worktree       the worktree folder, once made
 * @param dependsOn      features this one needs
 * @param dependencyMode how it waits for them: after they merged ({@link DependencyMode#SEQUENTIAL}) or
 *                       at once on top of its dependency's branch ({@link DependencyMode#STACKED})
 * @param agent          the launcher's name, such as {@code claude-code}
 * @param state          where the session is in its lifecycle
 * @param message        why it is in that state (the error, the question, the stop reason), may be empty
 * @param work           what the orchestrator itself still does for the session (queued, working, nothing)
 * @param haltRequested  true when a stop (or the orchestrator's close) was asked and is being carried out
 * @param agentSessionId the agent's own conversation id, for resuming
 * @param progress       progress through the agent's task list
 * @param costUsd        model cost so far, in US dollars
 * @param turns          model turns so far
 * @param lastCi         the latest CI result, if CI ran
 * @param pendingPrompts follow-up prompts waiting for their turn
 * @param attention      why the session needs a person (reactions gave up, a budget was reached), empty when not
 * @param createdAt      when the feature was added
 * @param updatedAt      when the session last changed
 * @param lastActivityAt when the agent last produced output
 * @param revision       grows by one with every stored change of the session
 */
public record Session(
        String name,
        String prompt,
        String baseBranch,
        String branch,
        Optional<Path> worktree,
        List<String> dependsOn,
        DependencyMode dependencyMode,
        String agent,
        SessionState state,
        String message,
        Work work,
        boolean haltRequested,
        Optional<String> agentSessionId,
        TaskProgress progress,
        double costUsd,
        int turns,
        Optional<CiResult> lastCi,
        List<String> pendingPrompts,
        String attention,
        Instant createdAt,
        Instant updatedAt,
        Instant lastActivityAt,
        long revision) {

    /**
     * What the orchestrator does for a session besides what its {@link SessionState} says: an IDLE
     * session may still have CI to run (RUNNING), a follow-up waiting for a free slot (QUEUED).
     */
    public enum Work {
        /** Nothing: the session waits for a request from outside. */
        NONE,
        /** Waiting for a free slot (or, when the state is QUEUED, for its dependencies). */
        QUEUED,
        /** The orchestrator is working on it: making its worktree, running its agent, CI, a merge. */
        RUNNING
    }

    public Session {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(baseBranch, "baseBranch");
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(worktree, "worktree");
        dependsOn = List.copyOf(dependsOn);
        Objects.requireNonNull(dependencyMode, "dependencyMode");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(agentSessionId, "agentSessionId");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(lastCi, "lastCi");
        pendingPrompts = List.copyOf(pendingPrompts);
        Objects.requireNonNull(attention, "attention");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(lastActivityAt, "lastActivityAt");
    }

    /** A session with the default dependency mode ({@link DependencyMode#SEQUENTIAL}); for code written before the modes. */
    public Session(String name, String prompt, String baseBranch, String branch, Optional<Path> worktree,
                   List<String> dependsOn, String agent, SessionState state, String message, Work work,
                   boolean haltRequested, Optional<String> agentSessionId, TaskProgress progress, double costUsd, int turns,
                   Optional<CiResult> lastCi, List<String> pendingPrompts, String attention, Instant createdAt,
                   Instant updatedAt, Instant lastActivityAt, long revision) {
        this(name, prompt, baseBranch, branch, worktree, dependsOn, DependencyMode.SEQUENTIAL, agent, state, message, work,
                haltRequested, agentSessionId, progress, costUsd, turns, lastCi, pendingPrompts, attention, createdAt,
                updatedAt, lastActivityAt, revision);
    }

    /**
     * The start of {@link #attention()} while the session is held by {@link OverlapPolicy#HOLD}:
     * {@code held: ...} says which sessions and files it overlaps.
     */
    public static final String HELD = "held:";

    /**
     * The start of {@link #attention()} while the host holds the session with
     * {@link Orchestrator#hold}: a person works in it by hand (the command line's {@code attach}).
     */
    public static final String HANDED_OVER = HELD + " handed over:";

    /**
     * True while the session is held: by {@link OverlapPolicy#HOLD} until the overlap clears or a
     * person prompts it, or by {@link Orchestrator#hold} until {@link Orchestrator#release}. A held
     * session starts no new agent turn; prompts wait ({@link #attention()} says why).
     */
    public boolean isHeld() {
        return attention.startsWith(HELD);
    }

    /** True while the host holds the session with {@link Orchestrator#hold}: prompts wait for {@link Orchestrator#release}. */
    public boolean isHandedOver() {
        return attention.startsWith(HANDED_OVER);
    }

    /**
     * True when the session waits for a person: a question, a failure, or a reaction that gave up.
     * A session a person holds ({@link #isHandedOver()}) does not: that person is on it already.
     */
    public boolean needsAttention() {
        return !attention.isEmpty() && !isHandedOver() || state == SessionState.WAITING_FOR_INPUT || state == SessionState.FAILED;
    }

    /** How long ago the feature was added, measured at {@code now}. */
    public Duration age(Instant now) {
        return Duration.between(createdAt, now);
    }

    /** One readable line, for logs and JShell: {@code Session[auth-api RUNNING 2/5 $0.12 r7: message]}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("Session[").append(name).append(' ').append(state);
        if (work != Work.NONE) {
            out.append(" (").append(work.name().toLowerCase(Locale.ROOT)).append(')');
        }
        if (progress.total() > 0) {
            out.append(' ').append(progress.completed()).append('/').append(progress.total());
        }
        out.append(String.format(Locale.ROOT, " $%.2f r%d", costUsd, revision));
        if (!pendingPrompts.isEmpty()) {
            out.append(", ").append(pendingPrompts.size()).append(" prompt(s) waiting");
        }
        if (isHeld()) {
            out.append(", held");
        } else if (!attention.isEmpty()) {
            out.append(", needs attention");
        }
        if (!message.isEmpty()) {
            String m = message.replace('\n', ' ');
            out.append(": ").append(m.length() > 80 ? m.substring(0, 77) + "..." : m);
        }
        return out.append(']').toString();
    }
}
