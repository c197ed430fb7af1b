package dev.agentorchestrator;

import dev.agentorchestrator.internal.engine.EngineConfig;
import dev.agentorchestrator.internal.engine.Engine;
import dev.agentorchestrator.spi.AgentLauncher;
import dev.agentorchestrator.spi.CiRunner;
import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.Notifier;
import dev.agentorchestrator.spi.Reaction;
import dev.agentorchestrator.spi.SessionStep;
import dev.agentorchestrator.spi.StateStore;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Runs coding-agent sessions in parallel, one per feature, each in its own git worktree and
 * branch. Build one with {@link #builder()}; it starts working on {@link Builder#start()} and stops
 * what it started on {@link #close()}, leaving every worktree, branch and record on disk so that a
 * later orchestrator on the same repository picks the sessions up again.
 *
 * <pre>{@code
 * try (Orchestrator o = Orchestrator.builder()
 *         .repo(Path.of("."))
 *         .agent(Agents.claudeCode())
 *         .maxParallelSessions(3)
 *         .feature("auth-api", "Implement JWT authentication with refresh tokens")
 *         .feature("dashboard-ui", "Build an analytics dashboard with charts")
 *         .start()) {
 *     o.events().subscribe(System.out::println);
 *     o.awaitAll(Duration.ofHours(1));
 *     System.out.print(o.status().toTable());
 * }
 * }</pre>
 *
 * <p>All methods are thread-safe. Methods that wait take a timeout.
 */
public interface Orchestrator extends AutoCloseable {

    /** A builder with defaults for everything but the repository. */
    static Builder builder() {
        return new Builder();
    }

    /** The main working tree of the repository this orchestrator works on. */
    Path repository();

    /**
     * Adds a feature while running: checks its name, stores its session as QUEUED and schedules
     * it. Nothing is written when a check fails.
     *
     * @throws InvalidFeatureNameException when the name breaks a rule or is taken by a session, a
     *                                     branch or a folder
     * @throws ConfigurationException      when a feature it depends on is unknown
     */
    Session addFeature(Feature feature);

    /** Adds a feature with the orchestrator's defaults; see {@link #addFeature(Feature)}. */
    default Session addFeature(String name, String prompt) {
        return addFeature(Feature.of(name, prompt));
    }

    /** Every session, in the order the features were added. */
    List<Session> sessions();

    /**
     * The session of that name, as it is now.
     *
     * @throws UnknownSessionException when there is none
     */
    Session session(String name);

    /** The session of that name, if there is one. */
    Optional<Session> findSession(String name);

    /**
     * Sends a follow-up prompt. A session whose agent is working gets it when the current turn
     * ends; a settled session (idle, waiting for input, ready to merge, stopped, failed,
     * interrupted) continues its conversation at once (or when a slot is free).
     *
     * @throws UnknownSessionException        when there is no such session
     * @throws IllegalStateTransitionException when the session is merged or merging
     */
    Session prompt(String name, String prompt);

    /**
     * Stops the session's agent (its whole process tree, gracefully and then forcibly) and marks
     * the session STOPPED. Its worktree, branch and record stay; {@link #prompt} resumes it.
     */
    Session stop(String name);

    /**
     * Removes a session: stops it, removes its worktree and (unless the request keeps it) its
     * branch, and deletes its record and transcript. Everything is checked before anything is
     * removed, so a refusal loses nothing.
     *
     * @throws GitException when the worktree has uncommitted changes or the branch unmerged commits
     *                      and the request does not {@link RemoveRequest#force() force} it
     */
    void remove(RemoveRequest request);

    /** Removes with the defaults of {@link RemoveRequest#of(String)}. */
    default void remove(String feature) {
        remove(RemoveRequest.of(feature));
    }

    /**
     * Runs CI on the session's branch head now (or when a CI slot is free), even if that commit
     * was tested before. The session must be IDLE or READY_TO_MERGE; the result is its
     * {@link Session#lastCi()} and a {@link OrchestratorEvent.CiFinished} event.
     *
     * @throws IllegalStateTransitionException when the session is in another state
     */
    Session runCi(String name);

    /**
     * Merges a finished feature into its base branch, now, on the calling thread. The merged commit
     * is computed without touching any working tree; the base ref then moves with a compare-and-swap
     * on the value it had, and worktrees with the base checked out follow. Refusals (CI not green
     * for the exact branch head, uncommitted changes, a dirty checked-out base, a conflict, a
     * concurrent change of the base) move nothing and say why in the result. After a merge the
     * session is MERGED and, by default, its worktree and branch are removed. See docs/merge.md.
     *
     * @throws UnknownSessionException when there is no such session
     */
    MergeResult merge(MergeRequest request);

    /** Merges with the defaults of {@link MergeRequest#of(String)}. */
    default MergeResult merge(String feature) {
        return merge(MergeRequest.of(feature));
    }

    /**
     * The merge queue: queues these features (each with the defaults of {@link MergeRequest#of(String)},
     * in the order given, unless already waiting there) and runs the queue on the calling thread,
     * as {@link #runMergeQueue()} does: whatever else waits in the queue is merged too.
     *
     * @throws UnknownSessionException when a feature is not a session (nothing is queued then)
     */
    List<MergeResult> merge(List<String> features);

    /** Queues every session that is READY_TO_MERGE (in the order they were added) and runs the queue; see {@link #merge(List)}. */
    List<MergeResult> mergeAll();

    /**
     * Puts a feature into the stored merge queue, without merging anything yet; the next run
     * ({@link #runMergeQueue()}, {@link #merge(List)}, {@link #mergeAll()}) merges it. Its place:
     * {@link MergeRequest#priority()} (higher first), then arrival. The queue survives a restart
     * and shows in {@link StatusSnapshot#mergeQueue()}.
     *
     * <pre>{@code
     * o.queueMerge(MergeRequest.of("hotfix").withPriority(10));
     * o.runMergeQueue();
     * }</pre>
     *
     * @throws UnknownSessionException when there is no such session
     * @throws ConfigurationException  when the feature already waits in the queue ({@link #prioritizeMerge} moves it)
     */
    MergeQueueEntry queueMerge(MergeRequest request);

    /**
     * Changes the priority of a feature waiting in the merge queue (higher goes first; among equal
     * priorities, the order of arrival stays).
     *
     * @throws ConfigurationException when the feature is not waiting in the queue
     */
    MergeQueueEntry prioritizeMerge(String feature, int priority);

    /**
     * Runs the merge queue on the calling thread until nothing queued can go on: the next features
     * (up to {@link Builder#mergeBatchSize}) are combined and, when a CI runner is set, tested
     * together in a temporary worktree; the base moves only to a commit tested green, exactly that
     * commit. A red batch is retried once, then bisected; the culprit's agent gets the failing
     * output. Features whose dependency is queued wait for it, and are refused when it is refused.
     * See docs/merge.md.
     *
     * @return a result for every feature this run decided, in queue order
     */
    List<MergeResult> runMergeQueue();

    /**
     * The latest conflict forecast: for every pair of live sessions, and each against its base
     * branch, whether their merge would be clean, and the conflicting paths when not. Computed in the
     * background (cached by the pair of commits) whenever a branch moves; changes are
     * {@link OrchestratorEvent.ForecastChanged} events.
     */
    ForecastMatrix forecast();

    /** Files that two sessions change at once, as of the latest refresh; new ones are {@link OrchestratorEvent.FilesOverlap} events. */
    List<Overlap> overlaps();

    /**
     * Looks at the repository now and says how it differs from the session's record because
     * someone changed it by hand: a worktree moved, removed or pruned, a branch renamed or deleted,
     * another branch checked out in its worktree. The same check runs at start and before each
     * action on the session; what it finds is also the session's {@link Session#attention()}.
     *
     * @throws UnknownSessionException when there is no such session
     */
    Optional<RepositoryDrift> drift(String name);

    /**
     * Makes the session's record follow the repository again where that loses nothing (see
     * {@link RepositoryDrift.Kind} for what each kind does): adopts a moved worktree or a renamed
     * branch, makes a gone worktree again on the session's branch, makes a deleted branch again at
     * the last commit the orchestrator tested (or, when no commit of it is known, from the base,
     * saying so in the transcript). Does nothing when nothing differs.
     *
     * @return the session after the repair
     * @throws GitException when the difference cannot be repaired this way, saying what to do instead
     * @throws IllegalStateTransitionException while the session is being worked on
     */
    Session repair(String name);

    /**
     * Hands the session to a person for a while: it starts no agent turn until {@link #release},
     * whatever is prompted meanwhile (prompts wait in order), and its {@link Session#attention()}
     * says {@code held: handed over: why}. For a host that lets a person work in the session's
     * worktree or conversation by hand (the command line's {@code attach}). A merge of it is
     * refused until the release, since what the person commits next would be left behind. The hold
     * is stored, so it outlives a restart; a running turn must end first ({@link #stop} or
     * {@link #await}).
     * Holding a session that is held this way already replaces the reason.
     *
     * @param why what the person does and how to release the session if the host is gone
     * @return the session, held
     * @throws IllegalStateTransitionException while an agent turn runs, or once the session is merged
     * @throws ConfigurationException when {@code why} is blank
     */
    Session hold(String name, String why);

    /**
     * Ends a {@link #hold}: prompts that waited start, in order. Does nothing to a session not
     * held this way (a hold of the {@link OverlapPolicy#HOLD} policy is released by prompting).
     *
     * @return the session
     */
    Session release(String name);

    /**
     * Advice before starting {@code features} (issue 17): which of them are likely to collide with
     * each other or with the sessions that exist, and an order in groups that keeps colliding ones
     * apart. Uses the file paths the prompts name, and for sessions that exist the conflict forecast,
     * the overlaps seen so far and the files each touches. Starts nothing; see {@link Plan}.
     */
    default Plan plan(List<Feature> features) {
        return Plan.suggest(features);
    }

    /** An immutable snapshot of every session, with the overlaps and the forecast. */
    StatusSnapshot status();

    /** Subscribe to what happens. */
    Events events();

    /**
     * Waits until the session is settled: {@link StatusSnapshot#isSettled(String)}, the one
     * definition that {@link #awaitAll} and {@link StatusSnapshot#allSettled()} use too.
     *
     * @return the session as it settled
     * @throws AwaitTimeoutException when the timeout passes first
     */
    Session await(String name, Duration timeout);

    /**
     * Waits until every session is settled (see {@link StatusSnapshot#isSettled(String)}).
     *
     * @return the snapshot once all are settled; its {@link StatusSnapshot#allSettled()} is true
     * @throws AwaitTimeoutException naming the sessions that are not, when the timeout passes first
     */
    StatusSnapshot awaitAll(Duration timeout);

    /**
     * Stops every agent, CI run and listener this orchestrator started, waiting up to the builder's
     * stop grace for each. Sessions whose agent was still working become INTERRUPTED, resumable by
     * a later orchestrator. Worktrees, branches and records stay on disk.
     */
    @Override
    void close();

    /**
     * Configures and starts an {@link Orchestrator}. Every setter checks its argument at once;
     * {@link #start()} checks the whole and names the offending field in its message.
     */
    final class Builder {
        private Path repo;
        private final Map<String, Feature> features = new LinkedHashMap<>();
        private final List<String> duplicateFeatures = new ArrayList<>();
        private AgentLauncher agent;
        private GitBackend git;
        private StateStore stateStore;
        private CiRunner ci;
        private int maxParallelSessions = 3;
        private Path worktreesDirectory;
        private String branchPrefix = "feature/";
        private String baseBranch;
        private WorktreeSetup setup = WorktreeSetup.NONE;
        private Duration sessionTimeout = Duration.ofHours(2);
        private Duration ciTimeout = Duration.ofMinutes(30);
        private Duration stopGrace = Duration.ofSeconds(10);
        private RetryConfig launchRetry = launchRetryConfig(3, Duration.ofSeconds(1));
        private final Map<String, String> agentEnvironment = new LinkedHashMap<>();
        private Executor listenerExecutor;
        private final List<Consumer<? super OrchestratorEvent>> listeners = new ArrayList<>();
        private final Map<SessionStep.Phase, List<SessionStep>> steps = new EnumMap<>(SessionStep.Phase.class);
        private int maxParallelCi = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        private List<Reaction> reactions = List.of(Reactions.ciFailureFeedback(), Reactions.turnTimeoutFeedback());
        private int maxReactionAttempts = 2;
        private UncommittedWork uncommittedWork = UncommittedWork.ASK_AGENT;
        private Budget budget = Budget.NONE;
        private OverlapPolicy overlapPolicy = OverlapPolicy.WARN;
        private final List<Notifier> notifiers = new ArrayList<>();
        private boolean testMergeResults = true;
        private Duration stallTimeout = Duration.ofMinutes(10);
        private int mergeBatchSize = 5;

        private Builder() {
        }

        /** The repository to work on: its main working tree or any folder inside it. Required. */
        public Builder repo(Path repo) {
            this.repo = Objects.requireNonNull(repo, "repo");
            return this;
        }

        /** Adds a feature with the defaults; see {@link Feature#of(String, String)}. */
        public Builder feature(String name, String prompt) {
            return feature(Feature.of(name, prompt));
        }

        /** Adds a feature. */
        public Builder feature(Feature feature) {
            Objects.requireNonNull(feature, "feature");
            if (features.putIfAbsent(feature.name(), feature) != null) {
                duplicateFeatures.add(feature.name());
            }
            return this;
        }

        /** The agent for features that do not name their own. Default: the highest-priority launcher found by ServiceLoader (Claude Code). */
        public Builder agent(AgentLauncher agent) {
            this.agent = Objects.requireNonNull(agent, "agent");
            return this;
        }

        /** The git backend. Default: the highest-priority backend found by ServiceLoader (JGit when present, else the git binary). */
        public Builder git(GitBackend git) {
            this.git = Objects.requireNonNull(git, "git");
            return this;
        }

        /** The state store. Default: JSON files in the repository's common git directory. */
        public Builder stateStore(StateStore stateStore) {
            this.stateStore = Objects.requireNonNull(stateStore, "stateStore");
            return this;
        }

        /** The CI runner. Default: found by ServiceLoader (a test command detected from the build files). */
        public Builder ci(CiRunner ci) {
            this.ci = Objects.requireNonNull(ci, "ci");
            return this;
        }

        /** How many agents may work at once; the rest queue in the order they were added. Default 3. */
        public Builder maxParallelSessions(int max) {
            if (max < 1) {
                throw new ConfigurationException("maxParallelSessions must be at least 1, was " + max);
            }
            this.maxParallelSessions = max;
            return this;
        }

        /** Where worktrees are made. Default: the folder {@code <repo>.worktrees} beside the repository. */
        public Builder worktreesDirectory(Path directory) {
            this.worktreesDirectory = Objects.requireNonNull(directory, "worktreesDirectory");
            return this;
        }

        /** Prefix of feature branches. Default {@code feature/}. */
        public Builder branchPrefix(String prefix) {
            Objects.requireNonNull(prefix, "branchPrefix");
            if (!prefix.isEmpty()) {
                String probe = prefix + "x";
                try {
                    FeatureNames.check(probe);
                } catch (InvalidFeatureNameException e) {
                    throw new ConfigurationException("branchPrefix '" + prefix + "' does not make valid branch names: "
                            + e.getMessage());
                }
            }
            this.branchPrefix = prefix;
            return this;
        }

        /** The base branch for features that do not name their own. Default: the main worktree's current branch. */
        public Builder baseBranch(String branch) {
            this.baseBranch = Objects.requireNonNull(branch, "baseBranch");
            return this;
        }

        /** Setup for every new worktree (features may override). Default: none. */
        public Builder setup(WorktreeSetup setup) {
            this.setup = Objects.requireNonNull(setup, "setup");
            return this;
        }

        /** How long one agent turn may run before it is stopped and the session fails. Default 2 hours. */
        public Builder sessionTimeout(Duration timeout) {
            this.sessionTimeout = positive("sessionTimeout", timeout);
            return this;
        }

        /** How long one CI run may take. Default 30 minutes. */
        public Builder ciTimeout(Duration timeout) {
            this.ciTimeout = positive("ciTimeout", timeout);
            return this;
        }

        /** How long a stopping agent gets to end by itself before it is killed. Default 10 seconds. */
        public Builder stopGrace(Duration grace) {
            Objects.requireNonNull(grace, "stopGrace");
            if (grace.isNegative()) {
                throw new ConfigurationException("stopGrace must not be negative, was " + grace);
            }
            this.stopGrace = grace;
            return this;
        }

        /** How often to try launching an agent, and the first wait between tries (doubling). Default 3 tries, 1 s. */
        public Builder launchRetry(int attempts, Duration initialBackoff) {
            if (attempts < 1) {
                throw new ConfigurationException("launchRetry attempts must be at least 1, was " + attempts);
            }
            this.launchRetry = launchRetryConfig(attempts, positive("launchRetry initialBackoff", initialBackoff));
            return this;
        }

        /**
         * The Resilience4j retry for launching agents, for full control (its events become
         * {@link OrchestratorEvent.LaunchRetried}). Only {@link AgentLaunchException}s should be
         * retried; other failures end the session at once.
         */
        public Builder launchRetry(RetryConfig config) {
            this.launchRetry = Objects.requireNonNull(config, "launchRetry");
            return this;
        }

        /**
         * Adds a step to every session's work, at {@code phase} (after the steps added before it
         * there). See {@link SessionStep}.
         */
        public Builder step(SessionStep.Phase phase, SessionStep step) {
            Objects.requireNonNull(phase, "phase");
            Objects.requireNonNull(step, "step");
            steps.computeIfAbsent(phase, p -> new ArrayList<>()).add(step);
            return this;
        }

        /**
         * How many CI runs may run at once, over all sessions; the rest wait in order, shown as
         * TESTING with a message that says so. Default: half the processors, at least 1.
         */
        public Builder maxParallelCi(int max) {
            if (max < 1) {
                throw new ConfigurationException("maxParallelCi must be at least 1, was " + max);
            }
            this.maxParallelCi = max;
            return this;
        }

        /**
         * The reactions to red CI and failed turns, in order; replaces the defaults
         * ({@link Reactions#ciFailureFeedback()}, {@link Reactions#turnTimeoutFeedback()}). Give none
         * to react to nothing.
         */
        public Builder reactions(Reaction... reactions) {
            for (Reaction r : reactions) {
                Objects.requireNonNull(r, "reaction");
            }
            this.reactions = List.of(reactions);
            return this;
        }

        /** Adds a reaction after the others (the defaults included). */
        public Builder reaction(Reaction reaction) {
            List<Reaction> more = new ArrayList<>(reactions);
            more.add(Objects.requireNonNull(reaction, "reaction"));
            this.reactions = List.copyOf(more);
            return this;
        }

        /**
         * How many follow-ups reactions may send a session before CI is green again; then the
         * session is marked as needing attention. Default 2; 0 sends none.
         */
        public Builder maxReactionAttempts(int attempts) {
            if (attempts < 0) {
                throw new ConfigurationException("maxReactionAttempts must not be negative, was " + attempts);
            }
            this.maxReactionAttempts = attempts;
            return this;
        }

        /** What to do with changes an agent left uncommitted at the end of a turn. Default {@link UncommittedWork#ASK_AGENT}. */
        public Builder uncommittedWork(UncommittedWork policy) {
            this.uncommittedWork = Objects.requireNonNull(policy, "uncommittedWork");
            return this;
        }

        /**
         * Tells a person when a session waits for input, needs attention, is ready to merge, is
         * merged, or when everything is settled; for example {@code WebhookNotifier.to(uri).build()}.
         * Notifiers run on their own thread; a slow or failing one never delays the sessions.
         */
        public Builder notifier(Notifier notifier) {
            notifiers.add(Objects.requireNonNull(notifier, "notifier"));
            return this;
        }

        /**
         * Whether the merge queue tests each merge result with the CI runner (in a temporary
         * worktree) before the base moves. Default true; without a CI runner ({@code Ci.none()})
         * nothing is tested.
         */
        public Builder testMergeResults(boolean test) {
            this.testMergeResults = test;
            return this;
        }

        /**
         * How many queued features the merge queue tests together in one merge result (one CI
         * run for the batch instead of one each). A red batch is tested once more (a flaky test),
         * then bisected to find the culprit; the good part still merges. Default 5: a feature
         * reaches the queue only with its own CI green, so most batches are green and save
         * {@code k - 1} runs, while one bad feature costs about {@code 2 + 2 log2 k} runs to find.
         * 1 tests every merge result alone.
         */
        public Builder mergeBatchSize(int k) {
            if (k < 1 || k > 64) {
                throw new ConfigurationException("mergeBatchSize must be between 1 and 64, was " + k
                        + "; 1 tests each merge result alone, 5 is the default");
            }
            this.mergeBatchSize = k;
            return this;
        }

        /**
         * How long an agent may print nothing while its turn runs before it is reported as stalled
         * ({@link OrchestratorEvent.AgentStalled}, and the session marked as needing attention). Default 10 minutes.
         */
        public Builder stallTimeout(Duration timeout) {
            this.stallTimeout = positive("stallTimeout", timeout);
            return this;
        }

        /** What to do when sessions change the same files. Default {@link OverlapPolicy#WARN}. */
        public Builder overlapPolicy(OverlapPolicy policy) {
            this.overlapPolicy = Objects.requireNonNull(policy, "overlapPolicy");
            return this;
        }

        /** How much the agents may spend. Default: no limit. */
        public Builder budget(Budget budget) {
            this.budget = Objects.requireNonNull(budget, "budget");
            return this;
        }

        private static RetryConfig launchRetryConfig(int attempts, Duration initialBackoff) {
            return RetryConfig.custom()
                    .maxAttempts(attempts)
                    .intervalFunction(IntervalFunction.ofExponentialBackoff(initialBackoff, 2.0))
                    .retryExceptions(AgentLaunchException.class)
                    .build();
        }

        /** An environment variable for every agent (on top of the host's environment). */
        public Builder agentEnvironment(String name, String value) {
            Objects.requireNonNull(name, "agentEnvironment name");
            Objects.requireNonNull(value, "agentEnvironment value");
            if (name.isBlank() || name.contains("=") || name.indexOf('\0') >= 0) {
                throw new ConfigurationException("agentEnvironment name '" + name + "' is not a variable name: it must not be"
                        + " blank or hold '=' or NUL; for example agentEnvironment(\"ANTHROPIC_BASE_URL\", \"...\")");
            }
            agentEnvironment.put(name, value);
            return this;
        }

        /**
         * A listener subscribed before the orchestrator does anything, so it also sees what
         * {@link #start()} itself does (recovered sessions, the configured features being added).
         */
        public Builder listener(Consumer<? super OrchestratorEvent> listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Where listeners run. Default: a daemon thread pool owned by the orchestrator. */
        public Builder listenerExecutor(Executor executor) {
            this.listenerExecutor = Objects.requireNonNull(executor, "listenerExecutor");
            return this;
        }

        /**
         * Checks the configuration, opens the repository and the state store, recovers the
         * sessions a previous orchestrator left, adds the builder's features and starts
         * scheduling.
         *
         * @throws ConfigurationException when a field is missing or wrong (the message names it)
         *                                or no provider of a required SPI is found
         * @throws GitException           when the repository cannot be opened
         */
        public Orchestrator start() {
            if (repo == null) {
                throw new ConfigurationException("repo is required: call Orchestrator.builder().repo(Path.of(\"...\"))");
            }
            if (!duplicateFeatures.isEmpty()) {
                throw new ConfigurationException("feature names must be unique; added twice: " + duplicateFeatures);
            }
            EngineConfig config = new EngineConfig(repo, List.copyOf(features.values()), Optional.ofNullable(agent),
                    Optional.ofNullable(git), Optional.ofNullable(stateStore), Optional.ofNullable(ci),
                    maxParallelSessions, Optional.ofNullable(worktreesDirectory), branchPrefix,
                    Optional.ofNullable(baseBranch), setup, sessionTimeout, ciTimeout, stopGrace, launchRetry,
                    Map.copyOf(agentEnvironment), Optional.ofNullable(listenerExecutor), List.copyOf(listeners),
                    copyOf(steps), maxParallelCi, reactions, maxReactionAttempts, uncommittedWork, budget, overlapPolicy, List.copyOf(notifiers), testMergeResults, stallTimeout,
                    mergeBatchSize);
            return Engine.start(config);
        }

        private static Map<SessionStep.Phase, List<SessionStep>> copyOf(Map<SessionStep.Phase, List<SessionStep>> steps) {
            Map<SessionStep.Phase, List<SessionStep>> copy = new EnumMap<>(SessionStep.Phase.class);
            steps.forEach((phase, list) -> copy.put(phase, List.copyOf(list)));
            return Collections.unmodifiableMap(copy);
        }

        private static Duration positive(String field, Duration d) {
            Objects.requireNonNull(d, field);
            if (d.isNegative() || d.isZero()) {
                throw new ConfigurationException(field + " must be positive, was " + d);
            }
            return d;
        }
    }
}
