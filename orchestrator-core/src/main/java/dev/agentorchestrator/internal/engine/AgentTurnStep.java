package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.Budget;
import dev.agentorchestrator.AgentLaunchException;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.TaskProgress;
import dev.agentorchestrator.spi.AgentExit;
import dev.agentorchestrator.spi.AgentLauncher;
import dev.agentorchestrator.spi.AgentListener;
import dev.agentorchestrator.spi.AgentProcess;
import dev.agentorchestrator.spi.AgentRequest;
import dev.agentorchestrator.spi.Reaction;
import dev.agentorchestrator.spi.SessionLog;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.spi.StateStore;
import dev.agentorchestrator.spi.Workspace;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Runs the agent's turns: launches it (through a Resilience4j {@link Retry} from the engine's
 * registry), stores its handle in the same write that makes the session RUNNING, waits for the
 * turn's end within the session time limit, records what the agent reports (conversation id,
 * progress, cost), and goes on with the next follow-up prompt while there is one. Gives the agent
 * slot back when the turns end; the steps after it (commit check, CI) run without one.
 */
final class AgentTurnStep implements SessionRunner.Step {
    private static final Duration ACTIVITY_WRITE_INTERVAL = Duration.ofSeconds(2);

    private final Lifecycle lifecycle;
    private final AgentResolver agents;
    private final StateStore store;
    private final EventHub events;
    private final RetryRegistry retries;
    private final TimeLimiter timeLimiter;
    private final Map<String, String> environment;
    private final Duration stopGrace;
    private final Duration sessionTimeout;
    private final Budget budget;
    private final Reactor reactor;

    AgentTurnStep(Lifecycle lifecycle, AgentResolver agents, StateStore store, EventHub events, RetryRegistry retries,
                  TimeLimiter timeLimiter, Map<String, String> environment, Duration stopGrace, Duration sessionTimeout,
                  Budget budget, Reactor reactor) {
        this.lifecycle = lifecycle;
        this.agents = agents;
        this.store = store;
        this.events = events;
        this.retries = retries;
        this.timeLimiter = timeLimiter;
        this.environment = Map.copyOf(environment);
        this.stopGrace = stopGrace;
        this.sessionTimeout = sessionTimeout;
        this.budget = budget;
        this.reactor = reactor;
    }

    @Override
    public String name() {
        return "agent-turn";
    }

    @Override
    public void run(SessionRunner.Chain chain) {
        SessionRunner.Work work = chain.work();
        AgentExit.Outcome last = null;
        while (true) {
            SessionRecord r = work.record();
            Optional<Turn> turn = nextTurn(r);
            if (turn.isEmpty()) {
                break;
            }
            if (turn.get().fromQueue() && r.view().isHeld()) {
                // Issue 17 (HOLD): the follow-ups wait in the queue; the scheduler starts them once the hold is lifted.
                lifecycle.note(r.name(), "the next turn waits: " + r.attention());
                break;
            }
            Optional<String> overBudget = budget.exceeded(r.view(), totalCost());
            if (overBudget.isPresent()) {
                // The follow-ups are not delivered (said in the reason); a person raises the budget and prompts again.
                work.permit.release();
                int dropped = r.pendingPrompts().size();
                lifecycle.update(r.name(), b -> b.pendingPrompts(List.of()));
                reactor.needsAttention(r.name(), "budget", "no new turn: " + overBudget.get()
                        + (dropped > 0 ? "; " + dropped + " follow-up prompt(s) were not delivered" : ""));
                return;
            }
            Optional<AgentExit.Outcome> outcome = runTurn(work, r, turn.get());
            if (outcome.isEmpty()) {
                work.permit.release();
                return; // failed to launch, halted, or refused: the work ends here
            }
            last = outcome.get();
            if (last != AgentExit.Outcome.STOPPED && worktreeGone(work)) {
                work.permit.release();
                failWorktreeGone(work);
                return;
            }
            if (last == AgentExit.Outcome.FAILED || last == AgentExit.Outcome.STOPPED) {
                work.permit.release();
                if (last == AgentExit.Outcome.FAILED && work.record().state() == SessionState.FAILED) {
                    reactor.react(r.name(), work.timedOut ? Reaction.Kind.TURN_TIMED_OUT : Reaction.Kind.TURN_FAILED,
                            Optional.empty(), work.record().message());
                }
                return;
            }
        }
        work.permit.release();
        // A turn that ended well goes on to the commit check and CI; so does a CI run asked for without a turn.
        if (last == AgentExit.Outcome.DONE || last == null && work.record().ciRequested()) {
            chain.proceed();
        }
    }

    /** Issue 15: the worktree was deleted while the agent worked in it; nothing after the turn can run there. */
    private static boolean worktreeGone(SessionRunner.Work work) {
        return work.record().worktree().filter(java.nio.file.Files::isDirectory).isEmpty();
    }

    /** Fails the session saying the worktree is gone, what the agent said, and how to get the worktree back. */
    private static void failWorktreeGone(SessionRunner.Work work) {
        SessionRecord r = work.record();
        String agentSaid = r.message().isBlank() ? "" : " (the agent's turn ended with: " + r.message() + ")";
        work.fail("the worktree " + r.worktree().map(Object::toString).orElse("") + " is gone: it was deleted while the agent"
                + " worked" + agentSaid + "; the branch " + r.branch() + " keeps its commits; prompt the session to make"
                + " the worktree again on that branch and go on");
    }

    /** The prompt of the next turn and whether it leaves the queue of follow-ups. */
    private record Turn(String prompt, boolean fromQueue, Optional<String> resume) {
    }

    private static Optional<Turn> nextTurn(SessionRecord r) {
        // An agent that never launched (its worktree or setup failed, or it was stopped before it began) starts
        // with its task when it is tried again; LAUNCHED moves lastActivityAt, so equal instants mean no launch yet.
        boolean neverLaunched = r.lastActivityAt().equals(r.createdAt()) && r.agentSessionId().isEmpty();
        boolean retry = r.state() == SessionState.FAILED || r.state() == SessionState.STOPPED
                || r.state() == SessionState.INTERRUPTED;
        if (r.state() == SessionState.CREATING_WORKTREE || neverLaunched && retry) {
            return Optional.of(new Turn(r.prompt(), false, Optional.empty()));
        }
        if (r.pendingPrompts().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Turn(r.pendingPrompts().get(0), true, r.agentSessionId()));
    }

    /** One turn; empty when the work must end without a turn outcome (launch failure, halt, refusal). */
    private Optional<AgentExit.Outcome> runTurn(SessionRunner.Work work, SessionRecord r, Turn turn) {
        String name = r.name();
        AgentLauncher launcher;
        try {
            launcher = agents.resolve(r);
        } catch (ConfigurationException e) {
            work.fail(e.getMessage());
            return Optional.empty();
        }
        AgentRequest request = new AgentRequest(name, new Workspace(r.worktree().orElseThrow(), r.branch()), turn.prompt(),
                turn.resume(), environment, listener(work, name));
        AgentProcess process;
        Retry retry = retries.retry("launch-" + name);
        try {
            process = Retry.decorateSupplier(retry, () -> launcher.launch(request)).get();
        } catch (AgentLaunchException e) {
            work.fail("could not start the agent after " + retry.getRetryConfig().getMaxAttempts() + " tries: " + e.getMessage());
            return Optional.empty();
        }
        Instant launchedAt = lifecycle.now();
        String handle = process.handle();
        // The prompt leaves the queue in the same write that makes the session RUNNING with its handle,
        // computed from the stored queue so that a prompt added meanwhile is kept.
        Lifecycle.Applied running;
        try {
            running = lifecycle.applyFrom(name, Transition.LAUNCHED,
                    turn.fromQueue() ? "follow-up: " + Lifecycle.oneLine(turn.prompt()) : "agent started",
                    (stored, b) -> {
                        b.agentHandle(handle).lastActivityAt(launchedAt);
                        List<String> left = stored.pendingPrompts();
                        if (turn.fromQueue() && !left.isEmpty()) {
                            b.pendingPrompts(left.subList(1, left.size()));
                        }
                        return b;
                    });
        } catch (RuntimeException notStored) {
            // Issue 15: an agent whose handle the store refused (a full disk) would run unsupervised: end it.
            process.stop(stopGrace);
            throw notStored;
        }
        if (running.halted()) {
            process.stop(stopGrace);
            return Optional.empty();
        }
        work.process = process;
        AgentExit exit;
        try {
            exit = timeLimiter.executeFutureSupplier(process::exit);
        } catch (TimeoutException e) {
            work.timedOut = true;
            process.stop(stopGrace);
            exit = new AgentExit(AgentExit.Outcome.FAILED, -1, "the agent's turn exceeded the session time limit of "
                    + sessionTimeout + " and was stopped", sessionTimeout);
        } catch (Exception e) {
            process.stop(stopGrace);
            exit = new AgentExit(AgentExit.Outcome.FAILED, -1, "the agent ended abnormally: " + e, Duration.ZERO);
        } finally {
            work.process = null;
        }
        return Optional.of(recordEnd(name, exit));
    }

    private AgentExit.Outcome recordEnd(String name, AgentExit exit) {
        String text = !exit.message().isBlank() ? exit.message()
                : exit.outcome() == AgentExit.Outcome.DONE ? "the agent finished its turn" : "the agent failed";
        Transition t = switch (exit.outcome()) {
            case DONE -> Transition.TURN_DONE;
            case WAITING_FOR_INPUT -> Transition.ASKED;
            case FAILED -> Transition.FAILED_WITH;
            case STOPPED -> Transition.STOP;
        };
        Lifecycle.Applied applied = lifecycle.applyFrom(name, t, t == Transition.STOP ? "the agent was stopped" : text,
                (stored, b) -> {
                    b.agentHandle(null);
                    if (t == Transition.FAILED_WITH && !stored.pendingPrompts().isEmpty()) {
                        // A failed turn does not hand its queued follow-ups to a retry that may fail the same way.
                        b.pendingPrompts(List.of()).message(text + "; " + stored.pendingPrompts().size()
                                + " follow-up prompt(s) were not delivered: prompt again once this is fixed");
                    }
                    return b;
                });
        return applied.halted() ? AgentExit.Outcome.STOPPED : exit.outcome();
    }

    private double totalCost() {
        return lifecycle.all().stream().mapToDouble(SessionRecord::costUsd).sum();
    }

    /** Stops a session that has spent its budget: the halt is stored, the agent ended, the reason kept as attention. */
    private void stopOverBudget(SessionRunner.Work work, String name, String why) {
        reactor.needsAttention(name, "budget", "stopped: " + why);
        lifecycle.requestHalt(name, SessionRecord.Halt.STOP, "stopped: " + why);
        AgentProcess running = work.process;
        if (running != null) {
            Thread stopper = new Thread(() -> running.stop(stopGrace), "orchestrator-budget-stop-" + name);
            stopper.setDaemon(true);
            stopper.start(); // not on the agent's reader thread, which stop() waits for
        }
    }

    private AgentListener listener(SessionRunner.Work work, String name) {
        SessionLog sessionLog = store.log(name);
        Instant[] lastWrite = {Instant.EPOCH};
        return new AgentListener() {
            @Override
            public void onEvent(AgentEvent event) {
                events.publish(new OrchestratorEvent.AgentActivity(Instant.now(), name, event));
                if (event instanceof AgentEvent.Started started) {
                    lifecycle.update(name, b -> b.agentSessionId(started.agentSessionId()).lastActivityAt(Instant.now()));
                } else if (event instanceof AgentEvent.Progress p) {
                    lifecycle.update(name, b -> b.progress(new TaskProgress(p.completed(), p.total(), p.currentTask())));
                } else if (event instanceof AgentEvent.TurnFinished t) {
                    SessionRecord after = lifecycle.change(name, "", s -> s.toBuilder().costUsd(s.costUsd() + Math.max(0, t.costUsd()))
                            .turns(s.turns() + Math.max(0, t.turns())));
                    budget.exceeded(after.view(), totalCost()).ifPresent(why -> stopOverBudget(work, name, why));
                }
            }

            @Override
            public void onOutput(OutputStream stream, String line) {
                sessionLog.append(stream == OutputStream.STDERR ? "stderr: " + line : line);
                Instant now = Instant.now();
                synchronized (lastWrite) {
                    if (Duration.between(lastWrite[0], now).compareTo(ACTIVITY_WRITE_INTERVAL) < 0) {
                        return;
                    }
                    lastWrite[0] = now;
                }
                lifecycle.update(name, b -> b.lastActivityAt(now));
            }
        };
    }
}
