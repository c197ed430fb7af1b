package dev.agentorchestrator.engine;

import static dev.agentorchestrator.SessionState.MERGED;
import static dev.agentorchestrator.SessionState.QUEUED;
import static dev.agentorchestrator.SessionState.READY_TO_MERGE;
import static dev.agentorchestrator.SessionState.RUNNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.DependencyMode;
import dev.agentorchestrator.Feature;
import dev.agentorchestrator.MergeRequest;
import dev.agentorchestrator.MergeResult;
import dev.agentorchestrator.MergeStrategy;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.StatusSnapshot;
import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.ScriptAgent;
import dev.agentorchestrator.testing.TestRepos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, against a git backend: a sequential dependent starts from the base after its
 * dependency merged; a stacked one starts at once on its dependency's branch, follows the
 * dependency's later commits and its merge, and a replay that conflicts goes to its agent, which
 * here really rebases. Subclassed once per backend.
 */
public abstract class DependencyModesContract {

    private static final String ID = "-c user.name=A -c user.email=a@example.invalid";

    /** Writes {@code <file>} (the prompt's first word) with the prompt's text, and commits. */
    static final String WRITING_AGENT = String.join("\n",
            "echo SESSION w-$(basename \"$PWD\")",
            "f=\"${1%% *}\"; printf '%s\\n' \"$1\" > \"$f\"; git add \"$f\"",
            "git " + ID + " commit -q -m \"write $f\"",
            "echo done");

    @TempDir
    protected Path tmp;

    protected abstract GitBackend backend();

    /** Waits for {@code gate} before it writes and commits like {@link #WRITING_AGENT}. */
    private static String gatedAgent(Path gate) {
        return String.join("\n",
                "echo SESSION g-$(basename \"$PWD\")",
                "while [ ! -f '" + gate + "' ]; do sleep 0.05; done",
                "f=\"${1%% *}\"; printf '%s\\n' \"$1\" > \"$f\"; git add \"$f\"",
                "git " + ID + " commit -q -m \"write $f\"",
                "echo done");
    }

    @Test
    void aSequentialDependentStartsAfterItsDependencyMergedFromTheNewBase() {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.builder().git(backend()).agent(ScriptAgent.of(WRITING_AGENT))
                .feature("api", "api.txt the api")
                .feature(Feature.builder("ui", "ui.txt the ui").dependsOn("api").dependencyMode(DependencyMode.SEQUENTIAL).build())
                .start()) {
            StatusSnapshot first = o.awaitAll(Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, first.session("api").orElseThrow().state());
            assertEquals(QUEUED, first.session("ui").orElseThrow().state(), "ready is not merged: " + first);
            assertTrue(first.toTable().contains("depends: ui after merge of api"), first.toTable());
            assertTrue(o.merge("api").merged());
            Session ui = o.await("ui", Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, ui.state(), ui.toString());
            assertEquals(DependencyMode.SEQUENTIAL, ui.dependencyMode());
            assertTrue(Files.exists(ui.worktree().orElseThrow().resolve("api.txt")), "it started from the base with the api in it");
            assertEquals("", f.git("rev-list", "feature/ui..main"));
        }
    }

    @Test
    void aStackedDependentStartsAtOnceFollowsItsDependencysNewCommitsAndItsMerge() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path gate = tmp.resolve("api-may-commit");
        try (Orchestrator o = f.builder().git(backend()).agent(ScriptAgent.of(WRITING_AGENT)).maxParallelSessions(3)
                .feature(Feature.builder("api", "api.txt the api").agent(ScriptAgent.of(gatedAgent(gate)).named("gated")).build())
                .feature(Feature.builder("ui", "ui.txt the ui").stackedOn("api").build())
                .start()) {
            Session ui = o.await("ui", Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, ui.state(), ui.toString());
            assertEquals(RUNNING, o.session("api").state(), "the stacked session did not wait for its dependency");
            assertEquals(DependencyMode.STACKED, ui.dependencyMode());
            assertTrue(o.status().toTable().contains("depends: ui stacked on api"), o.status().toTable());
            String apiStart = f.git("rev-parse", "feature/api");
            assertTrue(isAncestor(f, apiStart, "feature/ui"), "ui starts on api's branch");

            Files.writeString(gate, "go"); // the dependency gets a new commit after its dependent started
            Await.until("ui follows api's new commit", Duration.ofSeconds(60), () -> o.session("api").state() == READY_TO_MERGE
                    && isAncestor(f, "feature/api", "feature/ui") && o.status().isSettled("ui"));
            Path worktree = ui.worktree().orElseThrow();
            assertEquals("api.txt the api\n", Files.readString(worktree.resolve("api.txt")), "the worktree followed the branch");
            assertEquals("", TestRepos.git(worktree, "status", "--porcelain").trim(), "nothing half-rebased");
            assertEquals(List.of("write ui.txt", "write api.txt"), List.of(f.git("log", "--format=%s", "-2", "feature/ui").split("\n")));
            assertTrue(transcript(f, "ui").contains("replayed 1 commit(s) of this session onto it"), transcript(f, "ui"));
            assertEquals(READY_TO_MERGE, o.await("ui", Duration.ofSeconds(60)).state(), "CI ran again on the new head");

            String mainBefore = f.git("rev-parse", "main");
            MergeResult early = o.merge("ui");
            assertEquals(MergeResult.Outcome.REFUSED_STATE, early.outcome(), "merged alone, ui would bring api's commits");
            assertTrue(early.message().contains("stacked on 'api'") && early.message().contains("Merge 'api' first"),
                    early.message());
            assertEquals(mainBefore, f.git("rev-parse", "main"), "nothing moved");

            // Squashed, the dependency's commits are not on main: ui's own commit must be replayed onto main.
            assertTrue(o.merge(MergeRequest.of("api").withStrategy(MergeStrategy.SQUASH)).merged());
            Await.until("ui moves onto main after api merged", Duration.ofSeconds(60), () -> isAncestor(f, "main", "feature/ui")
                    && o.status().isSettled("ui"));
            assertEquals("write ui.txt", f.git("log", "--format=%s", "main..feature/ui"), "only its own commit is left on top");
            assertTrue(o.merge("ui").merged());
            assertEquals(MERGED, o.session("ui").state());
            assertTrue(Files.exists(f.repo.resolve("ui.txt")) && Files.exists(f.repo.resolve("api.txt")));
        }
    }

    @Test
    void aReplayThatConflictsChangesNothingAndGoesToTheDependentsAgentWhichRebases() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path gate = tmp.resolve("api-may-commit");
        // On the orchestrator's follow-up it runs the rebase it was given, resolves by keeping both lines, and continues.
        String rebasingAgent = String.join("\n",
                "echo SESSION r-$(basename \"$PWD\")",
                "case \"$1\" in",
                "  'Your branch'*)",
                "    args=$(printf '%s' \"$1\" | grep -o 'rebase --onto [0-9a-f]* [0-9a-f]*')",
                "    git " + ID + " $args >/dev/null 2>&1 || true",
                "    printf 'api version\\nui version\\n' > shared.txt; git add shared.txt",
                "    GIT_EDITOR=true git " + ID + " rebase --continue >/dev/null",
                "    echo resolved ;;",
                "  *) printf '%s\\n' \"$1\" > shared.txt; git add shared.txt; git " + ID + " commit -q -m \"ui: $1\" ;;",
                "esac",
                "echo done");
        try (Orchestrator o = f.builder().git(backend()).maxParallelSessions(3).agent(ScriptAgent.of(rebasingAgent))
                .feature(Feature.builder("api", "shared.txt api version").agent(ScriptAgent.of(gatedAgent(gate)).named("gated")).build())
                .feature(Feature.builder("ui", "ui version").stackedOn("api").build())
                .start()) {
            assertEquals(READY_TO_MERGE, o.await("ui", Duration.ofSeconds(60)).state());
            String uiBefore = f.git("rev-parse", "feature/ui");
            Files.writeString(gate, "go");
            Await.until("ui's agent is told and rebases", Duration.ofSeconds(60), () -> transcript(f, "ui").contains("resolved")
                    && o.status().isSettled("ui") && o.session("api").state() == READY_TO_MERGE);
            String log = transcript(f, "ui");
            assertTrue(log.contains("conflicts in shared.txt; nothing changed, the agent is asked to rebase"), log);
            assertTrue(log.contains("follow-up: Your branch feature/ui is stacked on 'api'") && log.contains(
                    "replaying commit " + uiBefore.substring(0, 7) + " conflicts in shared.txt. Nothing was changed."),
                    "the follow-up names the file: " + log);
            assertTrue(isAncestor(f, "feature/api", "feature/ui"), "the agent's rebase put ui on api's new head");
            assertEquals("api version\nui version\n", f.git("show", "feature/ui:shared.txt") + "\n");
            Path worktree = o.session("ui").worktree().orElseThrow();
            assertEquals("", TestRepos.git(worktree, "status", "--porcelain").trim());
        }
    }

    private static boolean isAncestor(EngineFixture f, String ancestor, String of) {
        return TestRepos.tryGit(f.repo, "merge-base", "--is-ancestor", ancestor, of).exitCode() == 0;
    }

    static String transcript(EngineFixture f, String session) {
        try {
            return Files.readString(f.repo.resolve(".git/agent-orchestrator/logs/" + session + ".log"));
        } catch (IOException e) {
            return "";
        }
    }
}
