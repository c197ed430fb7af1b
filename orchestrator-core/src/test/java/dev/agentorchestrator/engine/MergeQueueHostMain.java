package dev.agentorchestrator.engine;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.testing.ScriptAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ServiceLoader;

/**
 * A host process for the merge queue's restart test: three features a, b, c become ready, then
 * the queue runs with batches of one; the merge-test CI of the combination holding b.txt writes
 * its pid to the file given and blocks, so the test can kill this process with the queue half done.
 * Arguments: the repository, the git backend's name, the pid file.
 */
public final class MergeQueueHostMain {
    private MergeQueueHostMain() {
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args[0]);
        GitBackend backend = ServiceLoader.load(GitBackend.class).stream().map(ServiceLoader.Provider::get)
                .filter(b -> b.name().equals(args[1])).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no git backend named " + args[1]));
        String ci = MergeQueueContract.onlyInMergeTests("if [ -f b.txt ]; then echo $$ > '" + args[2] + "'; exec sleep 1000; fi");
        Orchestrator o = Orchestrator.builder().repo(repo).git(backend).ci(Ci.command("bash", "-c", ci))
                .agent(ScriptAgent.of(MergeContract.WRITING_AGENT)).reactions().mergeBatchSize(1).stopGrace(Duration.ofSeconds(2))
                .feature("a", "a.txt A").feature("b", "b.txt B").feature("c", "c.txt C").start();
        o.awaitAll(Duration.ofSeconds(120));
        System.out.println("READY");
        System.out.flush();
        o.mergeAll(); // blocks in b's merge-test CI until the test kills this process
        System.out.println("the queue ended, which it should not: " + o.status().mergeQueue());
        System.exit(3);
    }
}
