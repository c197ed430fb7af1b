package dev.agentorchestrator.engine;

import static dev.agentorchestrator.SessionState.FAILED;
import static dev.agentorchestrator.SessionState.IDLE;
import static dev.agentorchestrator.SessionState.INTERRUPTED;
import static dev.agentorchestrator.SessionState.READY_TO_MERGE;
import static dev.agentorchestrator.SessionState.RUNNING;
import static dev.agentorchestrator.SessionState.STOPPED;
import static dev.agentorchestrator.SessionState.WAITING_FOR_INPUT;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.git.GitCliBackend;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.ScriptAgent;
import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import org.junit.jupiter.api.Assertions;

/**
 * A model-based test of the whole engine: random plans of adds, prompts, stops, agents finishing
 * and restarts, several actions of a step sent at once from their own threads, on a real
 * repository with real agent processes. After each step: every session's state is the model's,
 * {@code await} returns for every session the model calls settled, the events of each session
 * came in revision order and end with its stored state, and every agent slot taken was given back
 * except those of agents still working.
 */
class EngineModelProperties {

    enum Kind { COMMIT, RED, ASK, FAIL, HOLD }

    enum Verb { ADD, PROMPT, STOP, RELEASE, RESTART }

    record Intent(Verb verb, int session, Kind kind) {
    }

    /**
     * Commits its prompt (removing {@code red.txt}); "red-*" commits {@code red.txt}, which CI
     * refuses; "ask-*" asks; "fail-*" fails; "hold-ID" waits for the file {@code release/ID} and then commits.
     */
    static String agent(Path releases) {
        return String.join("\n",
                "echo SESSION m-$(basename \"$PWD\")",
                "commit() { git add -A && git -c user.name=A -c user.email=a@example.invalid commit -q -m \"$1\"; }",
                "case \"$1\" in",
                "  red-*) echo \"$1\" > red.txt; commit \"$1\" ;;",
                "  ask-*) echo 'ASK which one?' ;;",
                "  fail-*) echo broken; exit 3 ;;",
                "  hold-*) while [ ! -f '" + releases + "'/\"${1#hold-}\" ]; do sleep 0.05; done; rm -f red.txt; echo \"$1\" > task.txt; commit \"$1\" ;;",
                "  *) rm -f red.txt; echo \"$1\" > task.txt; commit \"$1\" ;;",
                "esac");
    }

    @Property(tries = 6, shrinking = ShrinkingMode.OFF)
    void randomInterleavingsKeepTheEngineInStepWithTheModel(@ForAll("plans") List<List<Intent>> plan) throws Exception {
        Path root = Files.createTempDirectory("engine-model");
        Path repo = TestRepos.withCommit(root.resolve("repo"));
        Path releases = Files.createDirectories(root.resolve("release"));
        Run run = new Run(repo, releases);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            run.open();
            for (List<Intent> step : plan) {
                if (step.get(0).verb() == Verb.RESTART) {
                    run.restart();
                } else {
                    List<Runnable> actions = run.interpret(step);
                    List<Future<?>> done = new ArrayList<>();
                    actions.forEach(a -> done.add(pool.submit(a)));
                    for (Future<?> f : done) {
                        f.get(120, TimeUnit.SECONDS);
                    }
                }
                run.check(plan);
            }
        } finally {
            pool.shutdownNow();
            run.closeQuietly();
        }
    }

    @Provide
    Arbitrary<List<List<Intent>>> plans() {
        Arbitrary<Intent> intent = Combinators.combine(
                Arbitraries.of(Verb.ADD, Verb.ADD, Verb.PROMPT, Verb.PROMPT, Verb.STOP, Verb.RELEASE, Verb.RELEASE),
                Arbitraries.integers().between(0, 3), Arbitraries.of(Kind.class)).as(Intent::new);
        Arbitrary<List<Intent>> concurrent = intent.list().ofMinSize(1).ofMaxSize(3);
        Arbitrary<List<Intent>> restart = Arbitraries.just(List.of(new Intent(Verb.RESTART, 0, Kind.COMMIT)));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, concurrent), net.jqwik.api.Tuple.of(1, restart))
                .list().ofMinSize(2).ofMaxSize(6);
    }

    /** One orchestrator (replaced on restart) and the model of its sessions. */
    private static final class Run {
        private final Path repo;
        private final Path releases;
        private final Map<String, SessionState> model = new LinkedHashMap<>();
        private final Map<String, String> holding = new HashMap<>();
        private final AtomicInteger prompts = new AtomicInteger();
        private List<OrchestratorEvent> events;
        private Orchestrator o;

        Run(Path repo, Path releases) {
            this.repo = repo;
            this.releases = releases;
        }

        void open() {
            events = new CopyOnWriteArrayList<>();
            o = Orchestrator.builder().repo(repo).git(new GitCliBackend()).stopGrace(Duration.ofSeconds(2))
                    .ci(Ci.command("bash", "-c", "test ! -f red.txt")).maxParallelSessions(4).reactions()
                    .agent(ScriptAgent.of(agent(releases))).listener(events::add).start();
        }

        void restart() {
            o.close();
            model.replaceAll((name, state) -> state == RUNNING ? INTERRUPTED : state);
            holding.clear();
            open();
        }

        void closeQuietly() {
            if (o != null) {
                o.close();
            }
        }

        /** Turns intents into actions valid for the model, at most one per session, and updates the model. */
        List<Runnable> interpret(List<Intent> step) {
            List<Runnable> actions = new ArrayList<>();
            Set<String> touched = new LinkedHashSet<>();
            for (Intent i : step) {
                String name = "s" + i.session();
                if (!touched.add(name)) {
                    continue;
                }
                SessionState state = model.get(name);
                Verb verb = i.verb();
                if (state == null) {
                    verb = Verb.ADD;
                } else if (verb == Verb.ADD) {
                    verb = Verb.PROMPT;
                }
                if (verb == Verb.RELEASE && !holding.containsKey(name)) {
                    verb = state == RUNNING ? Verb.STOP : Verb.PROMPT;
                }
                if (verb == Verb.PROMPT && state == RUNNING) {
                    verb = Verb.RELEASE;
                }
                switch (verb) {
                    case ADD, PROMPT -> {
                        String prompt = i.kind().name().toLowerCase() + "-" + prompts.incrementAndGet();
                        boolean add = verb == Verb.ADD;
                        model.put(name, outcome(i.kind(), state));
                        if (i.kind() == Kind.HOLD) {
                            holding.put(name, prompt.substring("hold-".length()));
                        }
                        actions.add(() -> {
                            if (add) {
                                o.addFeature(name, prompt);
                            } else {
                                o.prompt(name, prompt);
                            }
                        });
                    }
                    case STOP -> {
                        model.put(name, STOPPED);
                        // A held task released now either ends before the stop or is stopped; either way a
                        // later retry of that task (an agent stopped before it began starts with it) can finish.
                        String held = holding.remove(name);
                        actions.add(() -> {
                            if (held != null) {
                                touch(releases.resolve(held));
                            }
                            o.stop(name);
                        });
                    }
                    case RELEASE -> {
                        String id = holding.remove(name);
                        model.put(name, READY_TO_MERGE);
                        actions.add(() -> touch(releases.resolve(id)));
                    }
                    default -> throw new AssertionError(verb);
                }
            }
            return actions;
        }

        private static SessionState outcome(Kind kind, SessionState before) {
            return switch (kind) {
                case COMMIT -> READY_TO_MERGE;
                case RED -> IDLE;
                case ASK -> WAITING_FOR_INPUT;
                case FAIL -> FAILED;
                case HOLD -> RUNNING;
            };
        }

        void check(List<List<Intent>> plan) {
            for (Map.Entry<String, SessionState> e : model.entrySet()) {
                String name = e.getKey();
                SessionState expected = e.getValue();
                if (expected == RUNNING) {
                    Await.until(name + " runs its held agent (plan " + plan + ")", Duration.ofSeconds(60),
                            () -> o.session(name).state() == RUNNING);
                    continue;
                }
                Session s = o.await(name, Duration.ofSeconds(90));
                Assertions.assertEquals(expected, s.state(), "plan " + plan + ": " + s);
                Assertions.assertEquals(Session.Work.NONE, s.work(), s.toString());
            }
            long working = model.values().stream().filter(s -> s == RUNNING).count();
            Await.until("every slot but the working agents' is given back (plan " + plan + ")", Duration.ofSeconds(20),
                    () -> events.stream().filter(x -> x instanceof OrchestratorEvent.SlotAcquired).count()
                            - events.stream().filter(x -> x instanceof OrchestratorEvent.SlotReleased).count() == working);
            // Events are delivered asynchronously: wait until each settled session's last state change has arrived.
            Await.until("the events of every session reach its stored state (plan " + plan + ")", Duration.ofSeconds(20), () -> {
                Map<String, SessionState> lastState = new HashMap<>();
                for (OrchestratorEvent ev : List.copyOf(events)) {
                    if (ev instanceof OrchestratorEvent.StateChanged c) {
                        lastState.put(c.session(), c.to());
                    }
                }
                return lastState.entrySet().stream().allMatch(e -> model.get(e.getKey()) == RUNNING
                        || o.session(e.getKey()).state() == e.getValue());
            });
            Map<String, Long> revisions = new HashMap<>();
            for (OrchestratorEvent ev : List.copyOf(events)) {
                long revision = ev instanceof OrchestratorEvent.StateChanged c ? c.revision()
                        : ev instanceof OrchestratorEvent.SessionUpdated u ? u.snapshot().revision() : -1;
                if (revision < 0) {
                    continue;
                }
                Assertions.assertTrue(revision > revisions.getOrDefault(ev.session(), 0L),
                        ev.session() + " revision " + revision + " out of order (plan " + plan + ")");
                revisions.put(ev.session(), revision);
            }
        }

        private static void touch(Path file) {
            try {
                Files.writeString(file, "go");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
