package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.UnknownSessionException;
import dev.agentorchestrator.spi.AgentProcess;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.spi.SessionRecord.Halt;
import dev.agentorchestrator.spi.SessionStep;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a session's work, one worker thread per session being worked on: claims the work
 * ({@code work} QUEUED to RUNNING, in one atomic write), runs the {@link Pipeline}'s steps in order,
 * gives the slot back, and ends the work ({@code work} NONE, or QUEUED again when a follow-up
 * prompt arrived meanwhile). The decisions are the steps' and {@link Lifecycle}'s; this class only
 * holds what is live: the running agent process and the thread to interrupt for a stop.
 */
final class SessionRunner {
    private static final Logger log = LoggerFactory.getLogger(SessionRunner.class);

    /** One step of the pipeline as the engine runs it. */
    interface Step {
        String name();

        void run(Chain chain);
    }

    /** Thrown inside a store update to leave the record as it is. */
    private static final class NotClaimable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotClaimable() {
            super(null, null, false, false);
        }
    }

    private final Lifecycle lifecycle;
    private final Scheduler scheduler;
    private final ExecutorService workers;
    private final Duration stopGrace;
    private final Map<String, Work> live = new ConcurrentHashMap<>();
    /** Sessions whose work ended without the store taking its last write, with the store's error. */
    private final Map<String, RuntimeException> unrecorded = new ConcurrentHashMap<>();
    private List<Step> pipeline = List.of();
    private volatile java.util.function.Consumer<String> beforeFinish = name -> { };
    private volatile java.util.function.Consumer<String> afterFinish = name -> { };

    SessionRunner(Lifecycle lifecycle, Scheduler scheduler, ExecutorService workers, Duration stopGrace) {
        this.lifecycle = lifecycle;
        this.scheduler = scheduler;
        this.workers = workers;
        this.stopGrace = stopGrace;
    }

    void pipeline(List<Step> steps) {
        this.pipeline = List.copyOf(steps);
    }

    List<Step> pipeline() {
        return pipeline;
    }

    /**
     * Issue 17: called on the worker with the session's name just before its work is ended, and just
     * after; the stacker queues a stacked dependent's follow-up there, so that no moment shows
     * everything settled while a replay is due.
     */
    void onWorkEnd(java.util.function.Consumer<String> before, java.util.function.Consumer<String> after) {
        this.beforeFinish = before;
        this.afterFinish = after;
    }

    private static void quietly(java.util.function.Consumer<String> hook, String name) {
        try {
            hook.accept(name);
        } catch (RuntimeException e) {
            log.debug("a work-end hook failed for {}", name, e);
        }
    }

    /** Called by the scheduler with a slot taken for this session. */
    void start(String name, Scheduler.Permit permit) {
        workers.execute(() -> run(name, permit));
    }

    private void run(String name, Scheduler.Permit permit) {
        try {
            lifecycle.change(name, "", r -> {
                if (r.work() != Session.Work.QUEUED) {
                    throw new NotClaimable(); // stopped or removed after it was queued
                }
                return r.toBuilder().work(Session.Work.RUNNING);
            });
        } catch (NotClaimable | UnknownSessionException gone) {
            permit.release();
            return;
        }
        Work work = new Work(name, permit, Thread.currentThread());
        live.put(name, work);
        try {
            work.chain(0).proceed();
        } catch (RuntimeException e) {
            log.error("session {} failed unexpectedly", name, e);
            try {
                // Never a loop: what was waiting is dropped with the reason, whatever the state allows.
                lifecycle.change(name, "", r -> {
                    SessionRecord.Builder b = r.toBuilder().pendingPrompts(List.of()).agentHandle(null).ciRequested(false)
                            .attention("the orchestrator failed on this session: " + e);
                    return r.state() != SessionState.FAILED && r.state().canMoveTo(SessionState.FAILED)
                            ? b.state(SessionState.FAILED).message("unexpected error in the orchestrator: " + e) : b;
                });
            } catch (RuntimeException again) {
                log.error("session {} could not be marked FAILED", name, again);
                unrecorded.putIfAbsent(name, e);
            }
        } finally {
            synchronized (work) {
                work.interruptible = false;
                Thread.interrupted();
            }
            live.remove(name);
            permit.release();
            quietly(beforeFinish, name);
            if (unrecorded.containsKey(name)) {
                // The failure above could not be stored: finishing now (should the store take writes again meanwhile)
                // would end the work with the record still saying it is active, and recordUnfinished would then find
                // nothing to end. It ends the work with the failure instead, once the store takes writes.
                log.error("session {}: its failure could not be stored; it is recorded once the store takes writes", name);
            } else {
                try {
                    finish(name);
                } catch (RuntimeException storeRefused) {
                    // Issue 15: the store refused the work's last write (a full disk, a read-only folder): retried later.
                    log.error("session {}: the end of its work could not be stored; tried again until the store takes it", name,
                            storeRefused);
                    unrecorded.putIfAbsent(name, storeRefused);
                }
            }
            quietly(afterFinish, name);
            scheduler.pump();
        }
    }

    /**
     * Issue 15: ends, once the store takes writes again, the work of sessions whose last write it
     * refused: the record still says the work runs, although no worker works on it. The session
     * becomes FAILED (when it was active) with the store's error and what to do; what happened
     * after its last stored change is in the branch and the transcript, not in the record.
     */
    void recordUnfinished() {
        for (Map.Entry<String, RuntimeException> entry : Map.copyOf(unrecorded).entrySet()) {
            String name = entry.getKey();
            if (live.containsKey(name)) {
                continue;
            }
            String cause = String.valueOf(entry.getValue().getMessage());
            try {
                lifecycle.change(name, "", r -> {
                    if (r.work() != Session.Work.RUNNING) {
                        return r.toBuilder();
                    }
                    if (r.halt() != Halt.NONE) {
                        return Lifecycle.carryOutHalt(r, r.toBuilder());
                    }
                    SessionRecord.Builder b = r.toBuilder().work(Session.Work.NONE).agentHandle(null).pendingPrompts(List.of());
                    return r.state().isActive() && r.state().canMoveTo(SessionState.FAILED)
                            ? b.state(SessionState.FAILED).message("the state store refused to record this session's work ("
                                    + cause + "); the work ended, and what it did after the last stored change is on the branch "
                                    + r.branch() + " and in the transcript" + (r.pendingPrompts().isEmpty() ? ""
                                    : "; " + r.pendingPrompts().size() + " follow-up prompt(s) were not delivered")
                                    + ". The store takes writes again: prompt the session to go on")
                            : b;
                });
                unrecorded.remove(name);
            } catch (UnknownSessionException removed) {
                unrecorded.remove(name);
            } catch (RuntimeException stillRefused) {
                log.debug("session {}: the store still refuses writes", name, stillRefused);
            }
        }
    }

    /** Ends the work: a pending halt is carried out; a follow-up that arrived meanwhile queues the next turn. */
    private void finish(String name) {
        SessionRecord after;
        try {
            after = lifecycle.change(name, "", r -> {
                if (r.work() != Session.Work.RUNNING) {
                    return r.toBuilder();
                }
                if (r.halt() != Halt.NONE) {
                    return Lifecycle.carryOutHalt(r, r.toBuilder());
                }
                boolean again = (!r.pendingPrompts().isEmpty() || r.ciRequested()) && r.state().isSettled() && !r.state().isTerminal();
                return r.toBuilder().work(again ? Session.Work.QUEUED : Session.Work.NONE);
            });
        } catch (UnknownSessionException removed) {
            return;
        }
        if (after.work() == Session.Work.QUEUED) {
            scheduler.enqueue(name);
        }
    }

    /** True while a worker of this engine works on the session. */
    boolean isLive(String name) {
        return live.containsKey(name);
    }

    List<String> liveSessions() {
        return List.copyOf(live.keySet());
    }

    /**
     * Makes the live work of a session notice a halt now: stops its agent (its whole process tree)
     * and interrupts a setup or CI command. The halt itself is already stored.
     */
    void interrupt(String name) {
        Work work = live.get(name);
        if (work == null) {
            return;
        }
        AgentProcess process = work.process;
        if (process != null) {
            process.stop(stopGrace);
        }
        synchronized (work) {
            if (work.interruptible) {
                work.thread.interrupt();
            }
        }
    }

    /** The work in progress for one session: its slot, its live agent, and the chain of steps. */
    final class Work {
        final String name;
        final Scheduler.Permit permit;
        final Thread thread;
        volatile AgentProcess process;
        /** True only while a command that ends on interrupt runs (setup, CI), so a stop never interrupts a store write. */
        private boolean interruptible;
        /** The branch head the commit check found, for CI. */
        volatile String commit;
        /** The last turn ran over the session time limit. */
        volatile boolean timedOut;

        Work(String name, Scheduler.Permit permit, Thread thread) {
            this.name = name;
            this.permit = permit;
            this.thread = thread;
        }

        SessionRecord record() {
            return lifecycle.get(name);
        }

        /** Runs {@code command} so that a stop request interrupts it; clears a late interrupt afterwards. */
        <T> T interruptibly(java.util.function.Supplier<T> command) {
            synchronized (this) {
                interruptible = true;
            }
            try {
                return command.get();
            } finally {
                synchronized (this) {
                    interruptible = false;
                    Thread.interrupted();
                }
            }
        }

        /**
         * Ends the work with the session FAILED. Follow-up prompts still waiting are not delivered and
         * are dropped with the reason, so none waits in a queue for ever behind a failure that would
         * repeat; the person prompts again once the cause is fixed.
         */
        void fail(String reason) {
            lifecycle.applyFrom(name, Transition.FAILED_WITH, reason, (stored, b) -> {
                b.agentHandle(null);
                if (!stored.pendingPrompts().isEmpty()) {
                    b.pendingPrompts(List.of()).message(reason + "; " + stored.pendingPrompts().size()
                            + " follow-up prompt(s) were not delivered: prompt again once this is fixed");
                }
                return b;
            });
        }

        Chain chain(int index) {
            return new Chain(this, index);
        }
    }

    /** The steps from {@code index} on, as one step sees them (OkHttp's interceptor chain, for sessions). */
    final class Chain implements SessionStep.Chain {
        private final Work work;
        private final int index;

        Chain(Work work, int index) {
            this.work = work;
            this.index = index;
        }

        Work work() {
            return work;
        }

        @Override
        public Session session() {
            return work.record().view();
        }

        @Override
        public Optional<Path> worktree() {
            return work.record().worktree();
        }

        @Override
        public void note(String line) {
            lifecycle.note(work.name, line);
        }

        @Override
        public void proceed() {
            if (index < pipeline.size()) {
                pipeline.get(index).run(new Chain(work, index + 1));
            }
        }

        @Override
        public void fail(String reason) {
            work.fail(reason);
        }
    }
}
