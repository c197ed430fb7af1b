package dev.agentorchestrator.spi;

import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.DependencyMode;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.TaskProgress;
import dev.agentorchestrator.WorktreeSetup;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link StateStore} keeps for one session: the host's {@link Session} view plus what the
 * engine needs to take the session over after a restart (the agent's handle, the launcher's
 * settings, the setup, a stop request). Hosts read {@link Session}; stores and the engine use
 * this record.
 *
 * <p>Every stored change raises {@link #revision()} by one. The store assigns it (see
 * {@link StateStore#update}); an engine that sees two copies of a record keeps the higher
 * revision, and a store backed by a database can use it for optimistic locking.
 *
 * @param name           the feature name, unique in the repository
 * @param prompt         the task given to the agent
 * @param baseBranch     the branch the feature starts from and merges into
 * @param branch         the feature's own branch
 * @param worktree       the worktree folder, once made
 * @param dependsOn      features that must be done before this one starts
 * @param dependencyMode how it waits for them (see {@link DependencyMode})
 * @param stackedOn      for a {@link DependencyMode#STACKED} session: the dependency's commit its own
 *                       commits sit on (what a replay starts after); empty otherwise, and once the
 *                       dependency merged and the branch was moved onto the base
 * @param agent          the launcher's name
 * @param agentSettings  the launcher's {@link AgentLauncher#settings() settings} when the session was added
 * @param setup          the worktree setup the session was added with
 * @param setupDone      true once the setup succeeded in the current worktree
 * @param state          where the session is in its lifecycle
 * @param message        why it is in that state, may be empty
 * @param work           what the engine does for the session outside the agent's own state
 * @param halt           a stop or interruption requested and not yet carried out
 * @param agentSessionId the agent's own conversation id, for resuming
 * @param agentHandle    the running agent's {@link AgentProcess#handle() handle}, while one runs
 * @param progress       progress through the agent's task list
 * @param costUsd        model cost so far, in US dollars
 * @param turns          model turns so far
 * @param lastCi         the latest CI result
 * @param pendingPrompts follow-up prompts waiting for their turn
 * @param attention      why the session needs a person (reactions gave up, a budget was reached), empty when not
 * @param reactionAttempts how many follow-ups reactions have sent since CI was last green
 * @param ciRequested    a CI run was asked for ({@code runCi}) and has not run yet
 * @param createdAt      when the feature was added
 * @param updatedAt      when this record last changed
 * @param lastActivityAt when the agent last produced output
 * @param revision       raised by one on every stored change; 1 when created
 */
public record SessionRecord(
        String name,
        String prompt,
        String baseBranch,
        String branch,
        Optional<Path> worktree,
        List<String> dependsOn,
        DependencyMode dependencyMode,
        Optional<String> stackedOn,
        String agent,
        Map<String, String> agentSettings,
        WorktreeSetup setup,
        boolean setupDone,
        SessionState state,
        String message,
        Session.Work work,
        Halt halt,
        Optional<String> agentSessionId,
        Optional<String> agentHandle,
        TaskProgress progress,
        double costUsd,
        int turns,
        Optional<CiResult> lastCi,
        List<String> pendingPrompts,
        String attention,
        int reactionAttempts,
        boolean ciRequested,
        Instant createdAt,
        Instant updatedAt,
        Instant lastActivityAt,
        long revision) {

    /** A stop or interruption asked for while the engine was working on the session. */
    public enum Halt {
        /** Nothing asked. */
        NONE,
        /** {@code stop(name)} was called: the session ends STOPPED when its current work ends. */
        STOP,
        /** The orchestrator is closing: the session ends INTERRUPTED, resumable by the next one. */
        INTERRUPT
    }

    public SessionRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(baseBranch, "baseBranch");
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(worktree, "worktree");
        dependsOn = List.copyOf(dependsOn);
        Objects.requireNonNull(dependencyMode, "dependencyMode");
        Objects.requireNonNull(stackedOn, "stackedOn");
        stackedOn.ifPresent(id -> ObjectIds.require(id, "stackedOn commit"));
        Objects.requireNonNull(agent, "agent");
        agentSettings = Map.copyOf(agentSettings);
        Objects.requireNonNull(setup, "setup");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(halt, "halt");
        Objects.requireNonNull(agentSessionId, "agentSessionId");
        Objects.requireNonNull(agentHandle, "agentHandle");
        Objects.requireNonNull(progress, "progress");
        if (costUsd < 0 || Double.isNaN(costUsd) || Double.isInfinite(costUsd)) {
            throw new ConfigurationException("costUsd must be a non-negative number, was " + costUsd);
        }
        if (turns < 0) {
            throw new ConfigurationException("turns must not be negative, was " + turns);
        }
        Objects.requireNonNull(lastCi, "lastCi");
        pendingPrompts = List.copyOf(pendingPrompts);
        Objects.requireNonNull(attention, "attention");
        if (reactionAttempts < 0) {
            throw new ConfigurationException("reactionAttempts must not be negative, was " + reactionAttempts);
        }
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(lastActivityAt, "lastActivityAt");
        if (revision < 0) {
            throw new ConfigurationException("revision must not be negative, was " + revision);
        }
    }

    /** A record as written before dependency modes: {@link DependencyMode#SEQUENTIAL}, stacked on nothing. */
    public SessionRecord(String name, String prompt, String baseBranch, String branch, Optional<Path> worktree,
                         List<String> dependsOn, String agent, Map<String, String> agentSettings, WorktreeSetup setup,
                         boolean setupDone, SessionState state, String message, Session.Work work, Halt halt,
                         Optional<String> agentSessionId, Optional<String> agentHandle, TaskProgress progress, double costUsd,
                         int turns, Optional<CiResult> lastCi, List<String> pendingPrompts, String attention,
                         int reactionAttempts, boolean ciRequested, Instant createdAt, Instant updatedAt,
                         Instant lastActivityAt, long revision) {
        this(name, prompt, baseBranch, branch, worktree, dependsOn, DependencyMode.SEQUENTIAL, Optional.empty(), agent,
                agentSettings, setup, setupDone, state, message, work, halt, agentSessionId, agentHandle, progress, costUsd,
                turns, lastCi, pendingPrompts, attention, reactionAttempts, ciRequested, createdAt, updatedAt,
                lastActivityAt, revision);
    }

    /** A new record in state QUEUED with its first work queued; the store gives it revision 1. */
    public static SessionRecord queued(String name, String prompt, String baseBranch, String branch, List<String> dependsOn,
                                       String agent, Map<String, String> agentSettings, WorktreeSetup setup, Instant now) {
        return queued(name, prompt, baseBranch, branch, dependsOn, DependencyMode.SEQUENTIAL, agent, agentSettings, setup, now);
    }

    /** A new record in state QUEUED with its first work queued, waiting for its dependencies as {@code mode} says. */
    public static SessionRecord queued(String name, String prompt, String baseBranch, String branch, List<String> dependsOn,
                                       DependencyMode mode, String agent, Map<String, String> agentSettings,
                                       WorktreeSetup setup, Instant now) {
        return new SessionRecord(name, prompt, baseBranch, branch, Optional.empty(), dependsOn, mode, Optional.empty(),
                agent, agentSettings,
                setup, false, SessionState.QUEUED, "", Session.Work.QUEUED, Halt.NONE, Optional.empty(), Optional.empty(),
                TaskProgress.NONE, 0, 0, Optional.empty(), List.of(), "", 0, false, now, now, now, 0);
    }

    /** The host's read-only view of this record. */
    public Session view() {
        return new Session(name, prompt, baseBranch, branch, worktree, dependsOn, dependencyMode, agent, state, message, work,
                halt != Halt.NONE, agentSessionId, progress, costUsd, turns, lastCi, pendingPrompts, attention, createdAt,
                updatedAt, lastActivityAt, revision);
    }

    /** A builder holding this record's values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Derives changed copies of a {@link SessionRecord}. */
    public static final class Builder {
        private final SessionRecord from;
        private String prompt;
        private String baseBranch;
        private String branch;
        private Optional<Path> worktree;
        private DependencyMode dependencyMode;
        private Optional<String> stackedOn;
        private String agent;
        private Map<String, String> agentSettings;
        private WorktreeSetup setup;
        private boolean setupDone;
        private SessionState state;
        private String message;
        private Session.Work work;
        private Halt halt;
        private Optional<String> agentSessionId;
        private Optional<String> agentHandle;
        private TaskProgress progress;
        private double costUsd;
        private int turns;
        private Optional<CiResult> lastCi;
        private List<String> pendingPrompts;
        private String attention;
        private int reactionAttempts;
        private boolean ciRequested;
        private Instant updatedAt;
        private Instant lastActivityAt;
        private long revision;

        private Builder(SessionRecord s) {
            from = s;
            prompt = s.prompt;
            baseBranch = s.baseBranch;
            branch = s.branch;
            worktree = s.worktree;
            dependencyMode = s.dependencyMode;
            stackedOn = s.stackedOn;
            agent = s.agent;
            agentSettings = s.agentSettings;
            setup = s.setup;
            setupDone = s.setupDone;
            state = s.state;
            message = s.message;
            work = s.work;
            halt = s.halt;
            agentSessionId = s.agentSessionId;
            agentHandle = s.agentHandle;
            progress = s.progress;
            costUsd = s.costUsd;
            turns = s.turns;
            lastCi = s.lastCi;
            pendingPrompts = s.pendingPrompts;
            attention = s.attention;
            reactionAttempts = s.reactionAttempts;
            ciRequested = s.ciRequested;
            updatedAt = s.updatedAt;
            lastActivityAt = s.lastActivityAt;
            revision = s.revision;
        }

        public Builder prompt(String v) { prompt = v; return this; }
        /** The session's branch, when it was renamed by hand and the session adopts the new name. */
        public Builder branch(String v) { branch = v; return this; }
        public Builder baseBranch(String v) { baseBranch = v; return this; }
        public Builder worktree(Path v) { worktree = Optional.ofNullable(v); return this; }
        public Builder dependencyMode(DependencyMode v) { dependencyMode = v; return this; }
        public Builder stackedOn(String commit) { stackedOn = Optional.ofNullable(commit); return this; }
        public Builder agent(String name, Map<String, String> settings) { agent = name; agentSettings = settings; return this; }
        public Builder setup(WorktreeSetup v) { setup = v; return this; }
        public Builder setupDone(boolean v) { setupDone = v; return this; }
        public Builder state(SessionState v) { state = v; return this; }
        public Builder message(String v) { message = v; return this; }
        public Builder work(Session.Work v) { work = v; return this; }
        public Builder halt(Halt v) { halt = v; return this; }
        public Builder agentSessionId(String v) { agentSessionId = Optional.ofNullable(v); return this; }
        public Builder agentHandle(String v) { agentHandle = Optional.ofNullable(v); return this; }
        public Builder progress(TaskProgress v) { progress = v; return this; }
        public Builder costUsd(double v) { costUsd = v; return this; }
        public Builder turns(int v) { turns = v; return this; }
        public Builder lastCi(CiResult v) { lastCi = Optional.ofNullable(v); return this; }
        public Builder pendingPrompts(List<String> v) { pendingPrompts = v; return this; }
        public Builder attention(String v) { attention = v; return this; }
        public Builder reactionAttempts(int v) { reactionAttempts = v; return this; }
        public Builder ciRequested(boolean v) { ciRequested = v; return this; }
        public Builder updatedAt(Instant v) { updatedAt = v; return this; }
        public Builder lastActivityAt(Instant v) { lastActivityAt = v; return this; }
        /** Set by stores only: the revision the stored copy gets. */
        public Builder revision(long v) { revision = v; return this; }

        public SessionRecord build() {
            return new SessionRecord(from.name, prompt, baseBranch, branch, worktree, from.dependsOn, dependencyMode,
                    stackedOn, agent,
                    agentSettings, setup, setupDone, state, message, work, halt, agentSessionId, agentHandle, progress,
                    costUsd, turns, lastCi, pendingPrompts, attention, reactionAttempts, ciRequested, from.createdAt, updatedAt,
                    lastActivityAt, revision);
        }
    }
}
