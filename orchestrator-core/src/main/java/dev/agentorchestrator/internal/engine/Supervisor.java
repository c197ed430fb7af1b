package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.AgentLaunchException;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.Divergence;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.TaskProgress;
import dev.agentorchestrator.WorktreeSetup;
import dev.agentorchestrator.spi.AgentExit;
import dev.agentorchestrator.spi.AgentLauncher;
import dev.agentorchestrator.spi.AgentListener;
import dev.agentorchestrator.spi.AgentProcess;
import dev.agentorchestrator.spi.AgentRequest;
import dev.agentorchestrator.spi.CiRequest;
import dev.agentorchestrator.spi.CiRunner;
import dev.agentorchestrator.spi.GitRepository;
import dev.agentorchestrator.spi.SessionLog;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs sessions: makes the worktree, runs setup, launches the agent (retrying a failed launch with
 * backoff), bounds each turn with a time limit, feeds queued follow-up prompts, and runs CI when a
 * turn leaves new commits. Every state change goes through {@link Lifecycle}.
 */
final class Supervisor {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    private static final Duration ACTIVITY_WRITE_INTERVAL = Duration.ofSeconds(2);

    /** What is live for one session in this process. */
    static final class Run {
        volatile AgentProcess process;
        volatile boolean stopRequested;
        volatile boolean closing;
        volatile Thread ciThread;
        volatile Instant lastActivityWrite = Instant.EPOCH;
        /** True from the end of a successful turn until CI has been decided, so waiters do not take IDLE for settled. */
        volatile boolean followUpWork;
        final AtomicBoolean holdsPermit = new AtomicBoolean();
    }

    private final EngineConfig config;
    private final Lifecycle lifecycle;
    private final Scheduler scheduler;
    private final WorktreeProvisioner provisioner;
    private final GitRepository git;
    private final CiRunner ci;
    private final Function<String, SessionLog> logs;
    private final Function<Session, AgentLauncher> agents;
    private final Function<String, WorktreeSetup> setups;
    private final EventHub events;
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final TimeLimiter timeLimiter;
    private final RetryConfig retryConfig;
    private volatile boolean closing;

    Supervisor(EngineConfig config, Lifecycle lifecycle, Scheduler scheduler, WorktreeProvisioner provisioner,
               GitRepository git, CiRunner ci, Function<String, SessionLog> logs, Function<Session, AgentLauncher> agents,
               Function<String, WorktreeSetup> setups, EventHub events, ExecutorService workers,
               ScheduledExecutorService timers) {
        this.config = config;
        this.lifecycle = lifecycle;
        this.scheduler = scheduler;
        this.provisioner = provisioner;
        this.git = git;
        this.ci = ci;
        this.logs = logs;
        this.agents = agents;
        this.setups = setups;
        this.events = events;
        this.workers = workers;
        this.timers = timers;
        this.timeLimiter = TimeLimiter.of(TimeLimiterConfig.custom()
                .timeoutDuration(config.sessionTimeout()).cancelRunningFuture(false).build());
        this.retryConfig = RetryConfig.custom()
                .maxAttempts(config.launchAttempts())
                .intervalFunction(IntervalFunction.ofExponentialBackoff(config.launchBackoff(), 2.0))
                .retryExceptions(AgentLaunchException.class)
                .build();
    }

    Run run(String name) {
        return runs.computeIfAbsent(name, n -> new Run());
    }

    /** Called by the scheduler with a permit taken for this work. */
    void dispatch(Map.Entry<String, Scheduler.Kind> work) {
        String name = work.getKey();
        Run r = run(name);
        r.holdsPermit.set(true);
        r.stopRequested = false;
        workers.execute(() -> {
            try {
                if (work.getValue() == Scheduler.Kind.START) {
                    startFresh(name);
                } else {
                    resumeNext(name);
                }
            } catch (RuntimeException e) {
                log.error("session {} failed unexpectedly", name, e);
                fail(name, "unexpected error: " + e.getMessage());
            }
        });
    }

    private void startFresh(String name) {
        Session s = lifecycle.transition(name, SessionState.CREATING_WORKTREE,
                "making worktree " + provisioner.pathFor(name) + " on branch " + provisioner.branchFor(name));
        Path worktree;
        try {
            worktree = s.worktree().filter(Files::isDirectory).orElseGet(() -> provisioner.create(name, s.baseBranch()));
        } catch (RuntimeException e) {
            fail(name, "could not make the worktree: " + e.getMessage());
            return;
        }
        lifecycle.update(name, b -> b.worktree(worktree));
        if (endIfStoppedOrClosing(name)) {
            return;
        }
        WorktreeSetup setup = setups.apply(name);
        if (!setup.isEmpty()) {
            try {
                provisioner.setup(worktree, setup, logs.apply(name));
            } catch (WorktreeProvisioner.SetupFailed e) {
                fail(name, e.getMessage());
                return;
            }
        }
        if (endIfStoppedOrClosing(name)) {
            return;
        }
        launchTurn(name, s.prompt(), Optional.empty(), (stored, b) -> b);
    }

    private void resumeNext(String name) {
        Session s = lifecycle.get(name);
        if (s.pendingPrompts().isEmpty()) {
            releasePermit(name);
            return;
        }
        if (s.worktree().filter(Files::isDirectory).isEmpty()) {
            // It never got a worktree (interrupted while making it): begin again; the prompts wait.
            lifecycle.transition(name, SessionState.QUEUED, "starting again: the worktree was never made");
            startFresh(name);
            return;
        }
        String prompt = s.pendingPrompts().get(0);
        // Without a conversation to resume (the agent never reported one), the follow-up starts a new one.
        // The prompt leaves the queue in the same write that moves to RUNNING, computed from the stored
        // queue so that a prompt added meanwhile is kept.
        launchTurn(name, prompt, s.agentSessionId(), (stored, b) -> b.pendingPrompts(
                stored.pendingPrompts().isEmpty() ? List.of() : stored.pendingPrompts().subList(1, stored.pendingPrompts().size())));
    }

    /** Moves to RUNNING (applying {@code also} in the same write, so no waiter sees a gap) and launches. */
    private void launchTurn(String name, String prompt, Optional<String> resume,
                            java.util.function.BiFunction<Session, Session.Builder, Session.Builder> also) {
        Session s = lifecycle.transitionFrom(name, SessionState.RUNNING,
                resume.isPresent() ? "follow-up: " + Lifecycle.oneLine(prompt) : "starting agent", also);
        Path worktree = s.worktree().orElseThrow();
        AgentRequest request = new AgentRequest(name, new dev.agentorchestrator.spi.Workspace(worktree, s.branch()), prompt,
                resume.isPresent() ? resume : Optional.empty(), config.agentEnvironment(), listener(name));
        AgentProcess process;
        try {
            AgentLauncher launcher = agents.apply(s);
            Retry retry = Retry.of("launch-" + name, retryConfig);
            retry.getEventPublisher().onRetry(e -> lifecycle.note(name, "agent launch failed, try "
                    + e.getNumberOfRetryAttempts() + " of " + config.launchAttempts() + ": " + e.getLastThrowable().getMessage()));
            process = Retry.decorateSupplier(retry, () -> launcher.launch(request)).get();
        } catch (AgentLaunchException e) {
            fail(name, "could not start the agent after " + config.launchAttempts() + " tries: " + e.getMessage());
            return;
        }
        Run r = run(name);
        r.process = process;
        // TODO(lead, issue 14): store process.handle() instead; this keeps the pid fields filled meanwhile.
        String[] local = process.handle().split(":");
        if (local.length == 3 && local[0].equals("local")) {
            long pid = Long.parseLong(local[1]);
            Instant started = Instant.ofEpochMilli(Long.parseLong(local[2]));
            lifecycle.update(name, b -> b.agentProcess(pid, started));
        }
        if (r.stopRequested || r.closing) {
            process.stop(config.stopGrace());
        }
        timeLimiter.executeCompletionStage(timers, process::exit).whenComplete((exit, error) ->
                workers.execute(() -> onTurnEnd(name, process, exit, error)));
    }

    private void onTurnEnd(String name, AgentProcess process, AgentExit exit, Throwable error) {
        Run r = run(name);
        r.process = null;
        AgentExit.Outcome outcome;
        String message;
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            process.stop(config.stopGrace());
            outcome = AgentExit.Outcome.FAILED;
            message = cause instanceof TimeoutException
                    ? "the agent's turn exceeded the session time limit of " + config.sessionTimeout() + " and was stopped"
                    : "the agent ended abnormally: " + cause;
        } else {
            outcome = exit.outcome();
            message = exit.message();
        }
        try {
            if (r.closing) {
                lifecycle.transition(name, SessionState.INTERRUPTED,
                        "the orchestrator closed while the agent was working; prompt the session to resume it", Session.Builder::noAgentProcess);
                return;
            }
            if (r.stopRequested || outcome == AgentExit.Outcome.STOPPED) {
                lifecycle.transition(name, SessionState.STOPPED, "stopped on request", b -> b.noAgentProcess().pendingPrompts(List.of()));
                return;
            }
            SessionState next = switch (outcome) {
                case DONE -> SessionState.IDLE;
                case WAITING_FOR_INPUT -> SessionState.WAITING_FOR_INPUT;
                default -> SessionState.FAILED;
            };
            String text = !message.isBlank() ? message : outcome == AgentExit.Outcome.DONE ? "the agent finished its turn" : "the agent failed";
            r.followUpWork = next == SessionState.IDLE;
            Session after = lifecycle.transition(name, next, text, Session.Builder::noAgentProcess);
            if (!after.pendingPrompts().isEmpty()) {
                r.followUpWork = false;
                resumeNext(name);
                return;
            }
            releasePermit(name);
            if (next == SessionState.IDLE) {
                try {
                    afterTurn(name);
                } finally {
                    r.followUpWork = false;
                    lifecycle.poke();
                }
            }
        } finally {
            if (r.closing || r.stopRequested) {
                releasePermit(name);
            }
        }
    }

    /** After a successful turn: CI when the branch has new commits, then ready to merge. */
    private void afterTurn(String name) {
        Session s = lifecycle.get(name);
        Path worktree = s.worktree().orElseThrow();
        Divergence divergence = git.divergence(s.branch(), s.baseBranch());
        if (divergence.ahead() == 0) {
            int uncommitted = git.uncommittedChanges(worktree).size();
            lifecycle.update(name, b -> b.message("the agent finished without committing"
                    + (uncommitted > 0 ? "; " + uncommitted + " uncommitted change(s) are in " + worktree : "")));
            return;
        }
        String commit = git.resolve(s.branch()).orElseThrow();
        if (s.lastCi().filter(ci -> ci.commit().equals(commit)).isPresent()) {
            // A turn that added no commit (a question answered, a review) does not need CI again.
            CiResult same = s.lastCi().get();
            String note = "CI " + same.status().name().toLowerCase() + " on " + commit.substring(0, 7) + " (already tested)";
            if (same.status().isGreen()) {
                lifecycle.transition(name, SessionState.READY_TO_MERGE, note);
            } else {
                lifecycle.update(name, b -> b.message(note));
            }
            scheduler.pump();
            return;
        }
        lifecycle.transition(name, SessionState.TESTING, "running CI (" + ci.name() + ") on " + commit.substring(0, 7));
        Run r = run(name);
        r.ciThread = Thread.currentThread();
        CiResult result;
        SessionLog sessionLog = logs.apply(name);
        try {
            result = ci.run(new CiRequest(name, worktree, commit, config.ciTimeout(), line -> sessionLog.append("ci: " + line)));
        } catch (RuntimeException e) {
            result = new CiResult(CiResult.Status.ERROR, commit, 0, 0, 0, Duration.ZERO, Instant.now(),
                    "CI runner " + ci.name() + " failed: " + e.getMessage());
        } finally {
            r.ciThread = null;
            Thread.interrupted();
        }
        events.publish(new OrchestratorEvent.CiFinished(Instant.now(), name, result));
        CiResult recorded = result;
        if (r.stopRequested || r.closing) {
            lifecycle.transition(name, r.closing ? SessionState.INTERRUPTED : SessionState.STOPPED,
                    r.closing ? "the orchestrator closed during CI" : "stopped on request", b -> b.lastCi(recorded));
            return;
        }
        Session after = result.status().isGreen()
                ? lifecycle.transition(name, SessionState.READY_TO_MERGE, "CI " + result.status().name().toLowerCase()
                        + " on " + commit.substring(0, 7) + counts(result), b -> b.lastCi(recorded))
                : lifecycle.transition(name, SessionState.IDLE, "CI " + result.status().name().toLowerCase() + " on "
                        + commit.substring(0, 7) + counts(result), b -> b.lastCi(recorded));
        if (!after.pendingPrompts().isEmpty()) {
            scheduler.enqueue(name, Scheduler.Kind.RESUME);
        }
        scheduler.pump();
    }

    private static String counts(CiResult r) {
        return r.passed() + r.failed() + r.skipped() == 0 ? ""
                : " (" + r.passed() + " passed, " + r.failed() + " failed, " + r.skipped() + " skipped)";
    }

    private AgentListener listener(String name) {
        SessionLog sessionLog = logs.apply(name);
        Run r = run(name);
        return new AgentListener() {
            @Override
            public void onEvent(AgentEvent event) {
                events.publish(new OrchestratorEvent.AgentActivity(Instant.now(), name, event));
                if (event instanceof AgentEvent.Started started) {
                    lifecycle.update(name, b -> b.agentSessionId(started.agentSessionId()).lastActivityAt(Instant.now()));
                } else if (event instanceof AgentEvent.Progress p) {
                    lifecycle.update(name, b -> b.progress(new TaskProgress(p.completed(), p.total(), p.currentTask())));
                } else if (event instanceof AgentEvent.TurnFinished t) {
                    lifecycle.updateFrom(name, s -> s.toBuilder().costUsd(s.costUsd() + Math.max(0, t.costUsd()))
                            .turns(s.turns() + Math.max(0, t.turns())));
                }
            }

            @Override
            public void onOutput(OutputStream stream, String line) {
                sessionLog.append(stream == OutputStream.STDERR ? "stderr: " + line : line);
                Instant now = Instant.now();
                if (Duration.between(r.lastActivityWrite, now).compareTo(ACTIVITY_WRITE_INTERVAL) >= 0) {
                    r.lastActivityWrite = now;
                    lifecycle.update(name, b -> b.lastActivityAt(now));
                }
            }
        };
    }

    /** True while the engine still has work to do for the session after its agent's turn (CI). */
    boolean hasFollowUpWork(String name) {
        Run r = runs.get(name);
        return r != null && r.followUpWork;
    }

    /** Sends a follow-up prompt to a live agent that reads input; false when the engine must resume instead. */
    boolean offerInput(String name, String prompt) {
        // acceptsInput/sendInput left the SPI (never implemented); a follow-up always resumes.
        return false;
    }

    /** Asks a live session to stop; returns false when nothing is live (the caller moves the state). */
    boolean requestStop(String name) {
        Run r = run(name);
        r.stopRequested = true;
        AgentProcess p = r.process;
        Thread ciThread = r.ciThread;
        if (p != null) {
            p.stop(config.stopGrace());
            return true;
        }
        if (ciThread != null) {
            ciThread.interrupt();
            return true;
        }
        return false;
    }

    /** Ends every live agent and CI run, marking their sessions INTERRUPTED. */
    void closeAll() {
        closing = true;
        List<Runnable> stops = new ArrayList<>();
        runs.forEach((name, r) -> {
            r.closing = true;
            AgentProcess p = r.process;
            if (p != null) {
                stops.add(() -> p.stop(config.stopGrace()));
            }
            Thread ciThread = r.ciThread;
            if (ciThread != null) {
                ciThread.interrupt();
            }
        });
        stops.parallelStream().forEach(Runnable::run);
    }

    private boolean endIfStoppedOrClosing(String name) {
        Run r = run(name);
        if (r.closing || closing) {
            lifecycle.transition(name, SessionState.INTERRUPTED, "the orchestrator closed before the agent started");
            releasePermit(name);
            return true;
        }
        if (r.stopRequested) {
            lifecycle.transition(name, SessionState.STOPPED, "stopped on request before the agent started");
            releasePermit(name);
            return true;
        }
        return false;
    }

    private void fail(String name, String message) {
        try {
            lifecycle.transitionIf(name, s -> s.canMoveTo(SessionState.FAILED), SessionState.FAILED, message,
                    Session.Builder::noAgentProcess);
        } finally {
            releasePermit(name);
        }
    }

    private void releasePermit(String name) {
        if (run(name).holdsPermit.compareAndSet(true, false)) {
            scheduler.release();
        }
    }
}
