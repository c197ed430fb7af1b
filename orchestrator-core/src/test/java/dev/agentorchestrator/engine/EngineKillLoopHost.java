package dev.agentorchestrator.engine;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.MergeRequest;
import dev.agentorchestrator.MergeResult;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.OrchestratorException;
import dev.agentorchestrator.RemoveRequest;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.StatusSnapshot;
import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.testing.ScriptAgent;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * The host the engine kill loop ({@link EngineKillLoop}) kills: a real orchestrator on the loop's
 * repository, with scripted agents that commit, a real CI script, and a seeded script of operations
 * (add, follow-up prompts, CI runs, removes, merges) that runs until the loop SIGKILLs it.
 *
 * <p>It first recovers (by starting), finishes removes a killed host left half done, waits until
 * every session settles and prints a {@code SESSION} line per session and {@code SETTLED}; it then
 * waits for the loop's go file (the loop checks the repository meanwhile) and starts its operations.
 * What it does is printed one line at a time, flushed, so the loop can kill it right after a line.
 *
 * <p>Arguments: backend class, repository, work folder, round, seed, removes to finish (comma separated, or {@code -}).
 */
public final class EngineKillLoopHost {

    /** The agent: notes the prompt as delivered, writes a file named after it, commits everything. */
    static final String AGENT = String.join("\n",
            "first=${1%%$'\\n'*}",
            "printf '%s\\n' \"$first\" >> \"$KILLLOOP_DELIVERED\"",
            "echo SESSION \"conv-$(basename \"$PWD\")\"",
            "f=\"work-$(printf '%s' \"$first\" | head -c 40 | tr -c 'A-Za-z0-9-' '_').txt\"",
            "printf '%s\\n' \"$first\" >> \"$f\"",
            "sleep 0.$((RANDOM % 4))",
            "git add -A && git -c user.name=Agent -c user.email=agent@example.invalid commit -q -m \"$first\"",
            "echo done");

    /** The CI: takes a moment, then is green unless a work file asks for red. */
    static final String CI = String.join("\n",
            "sleep 0.$((RANDOM % 4))",
            "if grep -l make-red work-*.txt >/dev/null 2>&1; then echo 'FAILED: a work file asks for red'; exit 1; fi",
            "echo 'all tests passed'");

    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    private EngineKillLoopHost() {
    }

    public static void main(String[] args) throws Exception {
        GitBackend backend = (GitBackend) Class.forName(args[0]).getConstructor().newInstance();
        Path repo = Path.of(args[1]);
        Path work = Path.of(args[2]);
        int round = Integer.parseInt(args[3]);
        Random random = new Random(Long.parseLong(args[4]));
        List<String> finishRemoves = "-".equals(args[5]) ? List.of() : List.of(args[5].split(","));
        say("start round " + round + " pid " + ProcessHandle.current().pid());
        Orchestrator o = Orchestrator.builder().repo(repo).git(backend)
                .agent(ScriptAgent.of(AGENT)).ci(Ci.command("bash", "ci.sh"))
                .agentEnvironment("KILLLOOP_MARK", System.getenv("KILLLOOP_MARK"))
                .agentEnvironment("KILLLOOP_DELIVERED", work.resolve("delivered.txt").toString())
                .maxParallelSessions(2).maxParallelCi(1).maxReactionAttempts(1)
                .stopGrace(Duration.ofSeconds(2)).launchRetry(2, Duration.ofMillis(50))
                .sessionTimeout(Duration.ofSeconds(60)).ciTimeout(Duration.ofSeconds(60))
                .listener(EngineKillLoopHost::print)
                .start();
        say("started");
        for (String name : finishRemoves) {
            if (o.findSession(name).isPresent()) {
                say("op remove " + name + " again");
                o.remove(RemoveRequest.of(name).force());
            }
            say("ok remove " + name);
        }
        StatusSnapshot settled;
        try {
            settled = o.awaitAll(SETTLE);
        } catch (OrchestratorException e) {
            say("NOT-SETTLED " + oneLine(e.getMessage()));
            o.sessions().forEach(s -> say(describe(s)));
            OUT.flush();
            Runtime.getRuntime().halt(3);
            return;
        }
        settled.sessions().forEach(s -> say(describe(s)));
        say("SETTLED");
        Path go = work.resolve("go-" + round);
        while (!Files.exists(go)) {
            Thread.sleep(10); // the loop checks the repository meanwhile; nothing else to wait on
        }
        operate(o, random, round);
    }

    /** Operations until killed: the loop decides when to kill, this only keeps the engine busy. */
    private static void operate(Orchestrator o, Random random, int round) throws InterruptedException {
        for (int i = 0; ; i++) {
            List<Session> sessions = o.sessions();
            List<Session> live = sessions.stream().filter(s -> !s.state().isTerminal() && s.state() != SessionState.MERGING).toList();
            int pick = random.nextInt(100);
            String tag = "r" + round + "-" + i;
            try {
                if (live.size() < 2 || pick < 25 && live.size() < 5) {
                    String name = "f" + tag;
                    say("op add " + name);
                    o.addFeature(name, "task-" + tag);
                    say("ok add " + name);
                } else if (pick < 55) {
                    Session s = live.get(random.nextInt(live.size()));
                    String text = (random.nextInt(8) == 0 ? "make-red-" : "followup-") + tag;
                    say("op prompt " + s.name() + " " + text);
                    o.prompt(s.name(), text);
                    say("accepted " + s.name() + " " + text);
                } else if (pick < 65) {
                    Session s = live.get(random.nextInt(live.size()));
                    say("op ci " + s.name());
                    o.runCi(s.name());
                    say("ok ci " + s.name());
                } else if (pick < 80) {
                    Session s = sessions.get(random.nextInt(sessions.size()));
                    RemoveRequest request = random.nextBoolean() ? RemoveRequest.of(s.name()).force()
                            : RemoveRequest.of(s.name()).force().keepBranch();
                    say("op remove " + s.name() + (request.deleteBranch() ? "" : " keep-branch"));
                    o.remove(request);
                    say("ok remove " + s.name());
                } else {
                    List<Session> ready = live.stream().filter(s -> s.state() == SessionState.READY_TO_MERGE).toList();
                    if (ready.isEmpty()) {
                        continue;
                    }
                    Session s = ready.get(random.nextInt(ready.size()));
                    say("op merge " + s.name());
                    MergeResult r = o.merge(MergeRequest.of(s.name()));
                    say("ok merge " + s.name() + " " + r.outcome());
                }
            } catch (OrchestratorException e) {
                say("refused " + e.getClass().getSimpleName() + " " + oneLine(e.getMessage()));
            }
            Thread.sleep(random.nextInt(300)); // spreads the operations over the engine's work; not a synchronisation
        }
    }

    private static void print(OrchestratorEvent event) {
        if (event instanceof OrchestratorEvent.StateChanged c) {
            say("state " + c.session() + " " + c.from() + " " + c.to() + " " + oneLine(c.message()));
        } else if (event instanceof OrchestratorEvent.SessionRemoved r) {
            say("removed " + r.session());
        }
    }

    /** One line per session: name, state, work, pending prompts, worktree, message. */
    static String describe(Session s) {
        return "SESSION\t" + s.name() + "\t" + s.state() + "\t" + s.work() + "\t" + String.join("|", s.pendingPrompts().stream()
                .map(EngineKillLoopHost::oneLine).toList()) + "\t" + s.worktree().map(Path::toString).orElse("-") + "\t"
                + s.branch() + "\t" + oneLine(s.message());
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replace('\n', ' ').replace('\t', ' ');
    }

    private static synchronized void say(String line) {
        OUT.println(line);
        OUT.flush();
    }
}
