package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.MergeQueueEntry;
import dev.agentorchestrator.MergeQueueEntry.State;
import dev.agentorchestrator.MergeRequest;
import dev.agentorchestrator.MergeResult;
import dev.agentorchestrator.MergeResult.Outcome;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.spi.GitRepository;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.spi.StateStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stored merge queue: features wait in it by priority, then arrival; a run merges them in
 * batches of up to {@code batchSize}. A batch is the next queued features (same base, dependencies
 * merged or in the batch before them) combined in memory one on top of the other; one that would
 * conflict with the batch only waits for the next round, one that conflicts with the base is
 * refused. The batch's combination is tested in a temporary worktree; green moves the base to
 * exactly that commit. Red is retried once (a flaky test), then the batch is bisected: each half
 * is combined again on the base as it is then and tested, a green half merges, a red half is
 * split again, and the single feature left red is the culprit, whose agent is sent the output.
 * Every change of an entry is stored at once ({@link StateStore#saveMergeQueue}), so a restart finds
 * the queue as it was, with entries under test queued again.
 */
final class MergeQueue {
    private static final Logger log = LoggerFactory.getLogger(MergeQueue.class);

    private final Merger merger;
    private final Lifecycle lifecycle;
    private final GitRepository git;
    private final StateStore store;
    private final EventHub events;
    private final int batchSize;
    private final List<MergeQueueEntry> entries = new ArrayList<>(); // guarded by this
    private long nextArrival;

    /** One feature taking part in a batch: its entry and its session record as it began to merge. */
    private record Member(MergeQueueEntry entry, SessionRecord session) {
        String name() {
            return entry.feature();
        }
    }

    /** Features combined on {@code baseBefore} into {@code commit}. */
    private record Combination(String base, String baseBefore, List<Member> members, String commit) {
        List<String> names() {
            return members.stream().map(Member::name).toList();
        }
    }

    MergeQueue(Merger merger, StateStore store, EventHub events, int batchSize) {
        this.merger = merger;
        this.lifecycle = merger.lifecycle();
        this.git = merger.git();
        this.store = store;
        this.events = events;
        this.batchSize = batchSize;
        for (MergeQueueEntry e : store.loadMergeQueue()) {
            // A test that a killed engine left half run proves nothing: the entry waits again.
            entries.add(e.state() == State.TESTING ? e.with(State.QUEUED, "queued again: the orchestrator ended while"
                    + " its merge result was tested") : e);
            nextArrival = Math.max(nextArrival, e.arrival() + 1);
        }
    }

    /** The queue in its order, the entries the last run decided included. */
    synchronized List<MergeQueueEntry> entries() {
        return entries.stream().sorted(MergeQueueEntry.ORDER).toList();
    }

    /** Puts a feature into the queue; a feature already waiting there is refused (change its priority instead). */
    MergeQueueEntry queue(MergeRequest request) {
        lifecycle.get(request.feature()); // an unknown session throws before anything is stored
        MergeQueueEntry added;
        synchronized (this) {
            Optional<MergeQueueEntry> waiting = find(request.feature()).filter(e -> !e.state().isFinished());
            if (waiting.isPresent()) {
                throw new ConfigurationException("'" + request.feature() + "' is already in the merge queue (" + waiting.get()
                        + "); change its place with prioritizeMerge(\"" + request.feature() + "\", priority)");
            }
            entries.removeIf(e -> e.feature().equals(request.feature()));
            added = MergeQueueEntry.queued(request, nextArrival++, lifecycle.now());
            entries.add(added);
            save();
        }
        lifecycle.note(request.feature(), "queued to merge, priority " + request.priority());
        announce(added);
        return added;
    }

    /** Queues each feature that is not waiting in the queue already, with the defaults of {@link MergeRequest#of}. */
    void queueAll(List<String> features) {
        features.forEach(lifecycle::get);
        for (String f : features) {
            boolean waiting;
            synchronized (this) {
                waiting = find(f).filter(e -> !e.state().isFinished()).isPresent();
            }
            if (!waiting) {
                queue(MergeRequest.of(f));
            }
        }
    }

    /** Changes the priority of a feature waiting in the queue. */
    MergeQueueEntry prioritize(String feature, int priority) {
        lifecycle.get(feature);
        MergeQueueEntry changed;
        synchronized (this) {
            MergeQueueEntry e = find(feature).filter(x -> x.state() == State.QUEUED).orElseThrow(() -> new ConfigurationException(
                    "'" + feature + "' is not waiting in the merge queue (" + find(feature).map(Object::toString).orElse("not queued")
                            + "); only a QUEUED entry's priority can change. Queue it with queueMerge(MergeRequest.of(\""
                            + feature + "\").withPriority(" + priority + "))"));
            changed = e.withPriority(priority);
            entries.set(entries.indexOf(e), changed);
            save();
        }
        lifecycle.note(feature, "merge queue priority set to " + priority);
        announce(changed);
        return changed;
    }

    /**
     * Runs the queue on the calling thread until no queued feature can go on, one batch at a time;
     * returns a result for every entry decided, in queue order. The entries the previous run
     * decided are dropped from the queue first.
     */
    List<MergeResult> run() {
        synchronized (merger.monitor()) {
            synchronized (this) {
                if (entries.removeIf(e -> e.state().isFinished())) {
                    save();
                }
            }
            Map<String, MergeResult> decided = new LinkedHashMap<>();
            Optional<Combination> batch;
            while ((batch = nextBatch(decided)).isPresent()) {
                if (!batch.get().members().isEmpty()) {
                    land(batch.get(), decided);
                }
            }
            Map<String, MergeQueueEntry> byName = new LinkedHashMap<>();
            entries().forEach(e -> byName.put(e.feature(), e));
            return decided.values().stream().sorted(Comparator.comparing(r -> byName.get(r.feature()), MergeQueueEntry.ORDER))
                    .toList();
        }
    }

    /** The next batch, with the refusals met on the way decided; empty when nothing can go on. */
    private Optional<Combination> nextBatch(Map<String, MergeResult> decided) {
        List<MergeQueueEntry> waiting = entries().stream().filter(e -> e.state() == State.QUEUED).toList();
        List<String> waitingNames = waiting.stream().map(MergeQueueEntry::feature).toList();
        Optional<MergeQueueEntry> head = waiting.stream().filter(e -> lifecycle.find(e.feature())
                .map(s -> s.dependsOn().stream().noneMatch(waitingNames::contains)).orElse(true)).findFirst();
        if (head.isEmpty()) {
            return Optional.empty();
        }
        String base = baseOf(head.get());
        Optional<String> resolved = git.resolve(base);
        if (resolved.isEmpty()) {
            refuse(head.get(), Outcome.REFUSED_STATE, base, "", "the base branch '" + base + "' does not resolve to a commit;"
                    + " queue it again with MergeRequest.into(...) naming an existing branch", decided);
            return Optional.of(new Combination(base, "", List.of(), ""));
        }
        String baseBefore = resolved.get();
        String combined = baseBefore;
        List<Member> members = new ArrayList<>();
        for (MergeQueueEntry e : waiting) {
            if (members.size() == batchSize) {
                break;
            }
            Optional<SessionRecord> found = lifecycle.find(e.feature());
            if (found.isEmpty()) {
                refuse(e, Outcome.REFUSED_STATE, base, baseBefore, "the session was removed", decided);
                continue;
            }
            SessionRecord s = found.get();
            if (!baseOf(e).equals(base)) {
                continue; // another base: a later batch
            }
            Optional<String> refusedDep = s.dependsOn().stream().filter(d -> decided.containsKey(d) && !onBase(decided.get(d)))
                    .findFirst();
            if (refusedDep.isPresent()) {
                refuse(e, Outcome.REFUSED_STATE, base, baseBefore, "not merged: it depends on '" + refusedDep.get()
                        + "', which was not merged", decided);
                continue;
            }
            List<String> inBatch = members.stream().map(Member::name).toList();
            if (s.dependsOn().stream().anyMatch(d -> waitingNames.contains(d) && !inBatch.contains(d))) {
                continue; // waits for its dependency
            }
            Optional<MergeResult> gate = merger.gate(s, e.request(), base, baseBefore);
            if (gate.isPresent()) {
                decide(e, gate.get(), false, decided);
                continue;
            }
            Merger.Computed c = computeQuietly(s, e.request(), base, baseBefore, combined);
            if (c.refusal().isPresent()) {
                Outcome o = c.refusal().get().outcome();
                boolean onlyWithTheBatch = !members.isEmpty() && (o == Outcome.CONFLICT || o == Outcome.NOT_FAST_FORWARD)
                        && computeQuietly(s, e.request(), base, baseBefore, baseBefore).refusal().isEmpty();
                if (onlyWithTheBatch) {
                    // Taken out of this batch: it merges cleanly on the base, so it waits for the next round.
                    update(e.feature(), x -> x.with(State.QUEUED, "waits for the next batch: it would conflict with "
                            + String.join(", ", inBatch)));
                    continue;
                }
                start(s);
                decide(e, c.refusal().get(), true, decided);
                continue;
            }
            if (!start(s)) {
                decide(e, Merger.result(s, Outcome.REFUSED_STATE, base, baseBefore, "stopped before the merge began;"
                        + " nothing moved"), false, decided);
                continue;
            }
            members.add(new Member(e, s));
            combined = c.commit().orElseThrow();
        }
        return Optional.of(new Combination(base, baseBefore, List.copyOf(members), combined));
    }

    private Merger.Computed computeQuietly(SessionRecord s, MergeRequest r, String base, String baseBefore, String onto) {
        try {
            return merger.computeOnto(s, r, base, baseBefore, onto);
        } catch (RuntimeException e) {
            log.warn("merging {} failed", s.name(), e);
            return Merger.Computed.refused(Merger.result(s, Outcome.REFUSED_STATE, base, baseBefore,
                    "the merge failed before the base moved: " + e.getMessage()));
        }
    }

    /** MERGE_START; false when a pending stop took its place. */
    private boolean start(SessionRecord s) {
        return !lifecycle.apply(s.name(), Transition.MERGE_START, "merging into " + s.baseBranch() + " (merge queue)",
                b -> b.work(dev.agentorchestrator.Session.Work.RUNNING)).halted();
    }

    /** Tests the batch (a red run once more), merges it when green, bisects it when red. */
    private void land(Combination batch, Map<String, MergeResult> decided) {
        if (!merger.testsResults()) {
            advance(batch, decided);
            return;
        }
        CiResult ci = test(batch, 1);
        if (!ci.status().isGreen()) {
            ci = test(batch, 2); // rules out a flaky test before anyone is blamed
            if (ci.status().isGreen()) {
                batch.names().forEach(n -> lifecycle.note(n, "the merge result was red, then green when tested again (a flaky test?)"));
            }
        }
        if (ci.status().isGreen()) {
            advance(batch, decided);
        } else {
            bisect(batch, ci, decided);
        }
    }

    /** {@code red} is the combination's red run: one feature is the culprit; more are split in two, each half tried on the base as it is then. */
    private void bisect(Combination red, CiResult ci, Map<String, MergeResult> decided) {
        if (red.members().size() == 1) {
            Member m = red.members().get(0);
            decide(m.entry(), merger.culprit(m.name(), red.base(), red.baseBefore(), ci, ""), true, decided);
            return;
        }
        int half = red.members().size() / 2;
        for (List<Member> part : List.of(red.members().subList(0, half), red.members().subList(half, red.members().size()))) {
            Optional<Combination> again = recombine(red.base(), part, decided);
            if (again.isEmpty()) {
                continue;
            }
            CiResult result = test(again.get(), 1);
            if (result.status().isGreen()) {
                advance(again.get(), decided);
            } else {
                bisect(again.get(), result, decided);
            }
        }
    }

    /** Combines {@code part} on the base as it is now; members that no longer combine are decided. */
    private Optional<Combination> recombine(String base, List<Member> part, Map<String, MergeResult> decided) {
        String baseBefore = git.resolve(base).orElseThrow();
        String combined = baseBefore;
        List<Member> members = new ArrayList<>();
        for (Member m : part) {
            Optional<String> refusedDep = m.session().dependsOn().stream()
                    .filter(d -> decided.containsKey(d) && !onBase(decided.get(d))).findFirst();
            if (refusedDep.isPresent()) {
                decide(m.entry(), Merger.result(m.session(), Outcome.REFUSED_STATE, base, baseBefore, "not merged: it depends on '"
                        + refusedDep.get() + "', which was not merged"), true, decided);
                continue;
            }
            Merger.Computed c = computeQuietly(m.session(), m.entry().request(), base, baseBefore, combined);
            if (c.refusal().isPresent()) {
                decide(m.entry(), c.refusal().get(), true, decided);
                continue;
            }
            members.add(m);
            combined = c.commit().orElseThrow();
        }
        return members.isEmpty() ? Optional.empty() : Optional.of(new Combination(base, baseBefore, List.copyOf(members), combined));
    }

    private CiResult test(Combination c, int attempt) {
        String detail = "testing " + Merger.shortId(c.commit()) + (c.members().size() > 1 ? " with " + String.join(", ", c.names()) : "")
                + (attempt > 1 ? " (again, to rule out a flaky test)" : "");
        c.names().forEach(n -> update(n, e -> e.with(State.TESTING, detail)));
        return merger.testCommit(c.names(), c.base(), c.commit(), attempt);
    }

    /** Moves the base to the combination's commit: every member is MERGED, or every one refused (the base did not move). */
    private void advance(Combination c, Map<String, MergeResult> decided) {
        Member first = c.members().get(0);
        String with = c.members().size() > 1 ? ", tested together with " + String.join(", ", c.names()) : "";
        MergeResult r = merger.advance(first.name(), first.entry().request(), c.base(), c.baseBefore(), c.commit(), with);
        for (Member m : c.members()) {
            decide(m.entry(), new MergeResult(m.name(), r.outcome(), r.baseBranch(), r.baseBefore(), r.mergedCommit(),
                    r.conflicts(), r.message()), true, decided);
        }
    }

    private void refuse(MergeQueueEntry e, Outcome outcome, String base, String baseBefore, String why,
                        Map<String, MergeResult> decided) {
        decide(e, new MergeResult(e.feature(), outcome, base, baseBefore, Optional.empty(), List.of(), why),
                lifecycle.find(e.feature()).map(s -> s.state() == SessionState.MERGING).orElse(false), decided);
    }

    private void decide(MergeQueueEntry e, MergeResult r, boolean started, Map<String, MergeResult> decided) {
        if (lifecycle.find(e.feature()).isPresent()) {
            merger.finish(e.feature(), r, e.request(), started);
        } else {
            events.publish(new OrchestratorEvent.MergeFinished(lifecycle.now(), e.feature(), r));
        }
        update(e.feature(), x -> x.decided(r));
        decided.put(e.feature(), r);
    }

    private static boolean onBase(MergeResult r) {
        return r.merged() || r.outcome() == Outcome.ALREADY_MERGED;
    }

    private String baseOf(MergeQueueEntry e) {
        return e.request().baseBranch().orElseGet(() -> lifecycle.find(e.feature()).map(SessionRecord::baseBranch).orElse(""));
    }

    private synchronized void update(String feature, UnaryOperator<MergeQueueEntry> change) {
        find(feature).ifPresent(e -> {
            entries.set(entries.indexOf(e), change.apply(e));
            save();
        });
    }

    private Optional<MergeQueueEntry> find(String feature) {
        return entries.stream().filter(e -> e.feature().equals(feature)).findFirst();
    }

    private void announce(MergeQueueEntry e) {
        List<MergeQueueEntry> order = entries().stream().filter(x -> !x.state().isFinished()).toList();
        int position = order.stream().map(MergeQueueEntry::feature).toList().indexOf(e.feature()) + 1;
        events.publish(new OrchestratorEvent.MergeQueued(lifecycle.now(), e.feature(), e.priority(), position));
    }

    private void save() {
        store.saveMergeQueue(entries.stream().sorted(MergeQueueEntry.ORDER).toList());
    }
}
