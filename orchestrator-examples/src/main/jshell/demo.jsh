// agent-orchestrator, step by step in JShell: the offline demo of the quick start, driven through
// the fluent API one statement at a time, on a throwaway repository with the scripted demo agent
// (no network, no model). From the project root, after './mvnw -q package -DskipTests':
//
//   jshell --class-path orchestrator-examples/target/orchestrator-examples-0.1.0-SNAPSHOT-cli.jar orchestrator-examples/src/main/jshell/demo.jsh
//
// (-R-Ddemo.stepMillis=20 makes the demo agent faster; -R-Ddemo.dir=FOLDER keeps the repository there.) Paste the lines into your own JShell to
// go one step at a time; the last line leaves JShell, remove it to keep exploring `o`.

import dev.agentorchestrator.*;
import dev.agentorchestrator.examples.demo.DemoAgentLauncher;
import dev.agentorchestrator.examples.demo.DemoProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

// 1. A throwaway repository: a small shop with a real test (test/ShopTest.java) that CI runs.
String keep = System.getProperty("demo.dir");
Path root = keep != null ? Files.createDirectories(Path.of(keep)) : Files.createTempDirectory("agent-orchestrator-jshell");
Path repo = DemoProject.create(root.resolve("shop"));
System.out.println("1. repository: " + repo);

// 2. An orchestrator on it: the demo agent, the project's test as CI, two agents at a time.
//    In JShell each chained call ends its line with the dot, so the statement goes on.
var o = Orchestrator.builder().
    repo(repo).
    agent(new DemoAgentLauncher(Duration.ofMillis(Integer.getInteger("demo.stepMillis", 300)))).
    ci(DemoProject.ci(root.resolve("ci-logs"))).
    maxParallelSessions(2).
    start();
System.out.println("2. " + o);

// 3. Watch it work: every state change, CI result and overlap as it happens.
o.events().subscribe(e -> {
    if (e instanceof OrchestratorEvent.StateChanged c) System.out.println("   " + c.session() + ": " + c.from() + " -> " + c.to());
    if (e instanceof OrchestratorEvent.CiFinished c) System.out.println("   " + c.session() + ": CI " + c.result().summary());
    if (e instanceof OrchestratorEvent.FilesOverlap f) System.out.println("   " + f.session() + ": OVERLAP with " + f.otherSessions() + " in " + f.files());
});

// 4. Two features that both register a route in src/routes.txt (an overlap, and a merge conflict to come).
o.addFeature("auth-api", "Implement JWT authentication with refresh tokens; register its routes in src/routes.txt");
o.addFeature("dashboard-ui", "Build an analytics dashboard with charts; register its page in src/routes.txt");
System.out.println("4. " + o.sessions());

// 5. Wait until both are done: worktree, agent, commits, CI.
System.out.println("5. " + o.await("auth-api", Duration.ofMinutes(5)));
System.out.println("5. " + o.await("dashboard-ui", Duration.ofMinutes(5)));

// 6. The table, the overlaps and the conflict forecast (computed in the background as branches move).
System.out.print("6.\n" + o.status().toTable());
System.out.println("   overlaps: " + o.overlaps());
System.out.print(o.forecast().toTable());

// 7. A follow-up prompt resumes the agent's conversation in its worktree.
o.prompt("auth-api", "Also document the endpoints");
System.out.println("7. " + o.await("auth-api", Duration.ofMinutes(5)));

// 8. The merge queue: tests each merge result before main moves; the second feature conflicts in src/routes.txt.
for (MergeResult m : o.mergeAll()) System.out.println("8. " + m.feature() + ": " + m.outcome() + " " + m.message().lines().findFirst().orElse(""));
System.out.print(o.status().toTable());

// 9. Closing leaves every worktree, branch and record on disk for the next orchestrator.
o.close();
System.out.println("9. done; the repository is " + repo);
/exit
