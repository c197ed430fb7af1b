package dev.agentorchestrator;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Everything known about one feature's session at one moment: an immutable snapshot, and also
 * the record the {@link dev.agentorchestrator.spi.StateStore} keeps, so that any process can show
 * it and a new orchestrator can take over after a restart.
 *
 * @param name            the feature name, unique in the repository
 * @param prompt          the task given to the agent
 * @param baseBranch      the branch the feature starts from and merges into
 * @param branch          the feature's own branch, such as {@code feature/auth-api}
 * @param worktree        the worktree folder, once made
 * @param dependsOn       features that must be finished before this one starts
 * @param agent           the launcher's name, such as {@code claude-code}
 * @param state           where the session is in its lifecycle
 * @param message         why it is in that state (the error, the question, the stop reason), may be empty
 * @param agentSessionId  the agent's own conversation id, for resuming
 * @param agentPid        the running agent's process id, while one runs
 * @param agentStartedAt  when that process started, to tell it from a reused pid
 * @param progress        progress through the agent's task list
 * @param costUsd         model cost so far, in US dollars
 * @param turns           model turns so far
 * @param lastCi          the latest CI result, if CI ran
 * @param pendingPrompts  follow-up prompts waiting for the agent's current turn to end
 * @param createdAt       when the feature was added
 * @param updatedAt       when this record last changed
 * @param lastActivityAt  when the agent last produced output
 */
public record Session(
        String name,
        String prompt,
        String baseBranch,
        String branch,
        Optional<Path> worktree,
        List<String> dependsOn,
        String agent,
        SessionState state,
        String message,
        Optional<String> agentSessionId,
        OptionalLong agentPid,
        Optional<Instant> agentStartedAt,
        TaskProgress progress,
        double costUsd,
        int turns,
        Optional<CiResult> lastCi,
        List<String> pendingPrompts,
        Instant createdAt,
        Instant updatedAt,
        Instant lastActivityAt) {

    public Session {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(baseBranch, "baseBranch");
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(worktree, "worktree");
        dependsOn = List.copyOf(dependsOn);
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(agentSessionId, "agentSessionId");
        Objects.requireNonNull(agentPid, "agentPid");
        Objects.requireNonNull(agentStartedAt, "agentStartedAt");
        Objects.requireNonNull(progress, "progress");
        if (costUsd < 0 || Double.isNaN(costUsd)) {
            throw new IllegalArgumentException("costUsd must be a non-negative number, was " + costUsd);
        }
        if (turns < 0) {
            throw new IllegalArgumentException("turns must not be negative, was " + turns);
        }
        Objects.requireNonNull(lastCi, "lastCi");
        pendingPrompts = List.copyOf(pendingPrompts);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(lastActivityAt, "lastActivityAt");
    }

    /** A new session record in state QUEUED. */
    public static Session queued(String name, String prompt, String baseBranch, String branch,
                                 List<String> dependsOn, String agent, Instant now) {
        return new Session(name, prompt, baseBranch, branch, Optional.empty(), dependsOn, agent,
                SessionState.QUEUED, "", Optional.empty(), OptionalLong.empty(), Optional.empty(),
                TaskProgress.NONE, 0, 0, Optional.empty(), List.of(), now, now, now);
    }

    /** A builder holding this record's values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Derives changed copies of a {@link Session}; see {@link Session#toBuilder()}. */
    public static final class Builder {
        private String name;
        private String prompt;
        private String baseBranch;
        private String branch;
        private Optional<Path> worktree;
        private List<String> dependsOn;
        private String agent;
        private SessionState state;
        private String message;
        private Optional<String> agentSessionId;
        private OptionalLong agentPid;
        private Optional<Instant> agentStartedAt;
        private TaskProgress progress;
        private double costUsd;
        private int turns;
        private Optional<CiResult> lastCi;
        private List<String> pendingPrompts;
        private Instant createdAt;
        private Instant updatedAt;
        private Instant lastActivityAt;

        private Builder(Session s) {
            name = s.name;
            prompt = s.prompt;
            baseBranch = s.baseBranch;
            branch = s.branch;
            worktree = s.worktree;
            dependsOn = s.dependsOn;
            agent = s.agent;
            state = s.state;
            message = s.message;
            agentSessionId = s.agentSessionId;
            agentPid = s.agentPid;
            agentStartedAt = s.agentStartedAt;
            progress = s.progress;
            costUsd = s.costUsd;
            turns = s.turns;
            lastCi = s.lastCi;
            pendingPrompts = s.pendingPrompts;
            createdAt = s.createdAt;
            updatedAt = s.updatedAt;
            lastActivityAt = s.lastActivityAt;
        }

        public Builder prompt(String v) { prompt = v; return this; }
        public Builder worktree(Path v) { worktree = Optional.ofNullable(v); return this; }
        public Builder agent(String v) { agent = v; return this; }
        public Builder state(SessionState v) { state = v; return this; }
        public Builder message(String v) { message = v; return this; }
        public Builder agentSessionId(String v) { agentSessionId = Optional.ofNullable(v); return this; }
        public Builder agentProcess(long pid, Instant startedAt) { agentPid = OptionalLong.of(pid); agentStartedAt = Optional.ofNullable(startedAt); return this; }
        public Builder noAgentProcess() { agentPid = OptionalLong.empty(); agentStartedAt = Optional.empty(); return this; }
        public Builder progress(TaskProgress v) { progress = v; return this; }
        public Builder costUsd(double v) { costUsd = v; return this; }
        public Builder turns(int v) { turns = v; return this; }
        public Builder lastCi(CiResult v) { lastCi = Optional.ofNullable(v); return this; }
        public Builder pendingPrompts(List<String> v) { pendingPrompts = v; return this; }
        public Builder updatedAt(Instant v) { updatedAt = v; return this; }
        public Builder lastActivityAt(Instant v) { lastActivityAt = v; return this; }

        public Session build() {
            return new Session(name, prompt, baseBranch, branch, worktree, dependsOn, agent, state, message,
                    agentSessionId, agentPid, agentStartedAt, progress, costUsd, turns, lastCi, pendingPrompts,
                    createdAt, updatedAt, lastActivityAt);
        }
    }
}
