package dev.agentorchestrator.examples;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.Feature;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.StatusSnapshot;
import dev.agentorchestrator.examples.demo.DemoAgentLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * The quick start: makes a small git repository, runs four features through the fluent API with
 * the offline demo agent (two at a time, one waiting for another), answers the one that asks a
 * question, and prints every state change and the final status.
 *
 * <p>Run it with {@code ./mvnw -q install -DskipTests && ./mvnw -q -pl orchestrator-examples exec:java}
 * (or pass a folder to keep the repository: {@code -Dexec.args=/tmp/demo}).
 */
public final class QuickStart {

    private QuickStart() {
    }

    public static void main(String[] args) throws Exception {
        Path root = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("agent-orchestrator-demo");
        Path repo = createDemoRepository(root.resolve("shop"));
        System.out.println("Demo repository: " + repo);
        try (Orchestrator o = Orchestrator.builder()
                .repo(repo)
                .agent(new DemoAgentLauncher(Duration.ofMillis(300)))
                .ci(Ci.none())
                .maxParallelSessions(2)
                .listener(e -> {
                    if (e instanceof OrchestratorEvent.StateChanged c) {
                        System.out.printf("%-14s %-18s -> %-18s %s%n", c.session(), c.from(), c.to(), c.message());
                    }
                })
                .feature("auth-api", "Implement JWT authentication with refresh tokens")
                .feature("dashboard-ui", "Build an analytics dashboard with charts. ASK before adding tests.")
                .feature("payments", "Add a payments module")
                .feature(Feature.builder("audit-log", "Record every payment in an audit log").dependsOn("payments").build())
                .start()) {
            o.await("dashboard-ui", Duration.ofMinutes(2));
            if (o.session("dashboard-ui").state() == dev.agentorchestrator.SessionState.WAITING_FOR_INPUT) {
                System.out.println("dashboard-ui asks: " + o.session("dashboard-ui").message());
                o.prompt("dashboard-ui", "Yes, add tests for the dashboard.");
            }
            StatusSnapshot status = o.awaitAll(Duration.ofMinutes(5));
            System.out.println();
            System.out.print(status.toTable());
            System.out.println();
            System.out.println("Branches: " + String.join(", ", status.sessions().stream().map(s -> s.branch()).toList()));
            System.out.println("Worktrees are in " + repo.resolveSibling(repo.getFileName() + ".worktrees"));
        }
    }

    /** A repository on {@code main} with a README and one commit, made with JGit so no git binary is needed. */
    /** Makes the demo shop repository the quick start and the {@code demo} command work on. */
    public static Path createDemoRepository(Path repo) throws IOException, GitAPIException {
        Files.createDirectories(repo);
        Files.writeString(repo.resolve("README.md"), "# Shop\n\nA demo project for agent-orchestrator.\n", StandardCharsets.UTF_8);
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern("README.md").call();
            PersonIdent me = new PersonIdent("Demo", "demo@example.invalid");
            git.commit().setMessage("Initial commit").setAuthor(me).setCommitter(me).call();
        }
        return repo;
    }
}
