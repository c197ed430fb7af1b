package dev.agentorchestrator.engine;

import dev.agentorchestrator.MergeRequest;
import dev.agentorchestrator.MergeResult;
import dev.agentorchestrator.MergeStrategy;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.git.GitCliBackend;
import dev.agentorchestrator.testing.ScriptAgent;
import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import org.junit.jupiter.api.Assertions;

/**
 * Features that touch disjoint files, merged in any order with any strategy, give the same final
 * tree: the order and the strategy change the history, never the content.
 */
class MergeOrderProperties {

    private static final List<String> FEATURES = List.of("alpha", "beta", "gamma");

    @Property(tries = 5, shrinking = ShrinkingMode.OFF)
    void disjointFeaturesMergedInAnyOrderWithAnyStrategyGiveTheSameTree(@ForAll("orders") List<String> order,
                                                                           @ForAll("strategies") List<MergeStrategy> strategies)
            throws Exception {
        Path root = Files.createTempDirectory("merge-order");
        Path repo = TestRepos.withFiles(root.resolve("repo"), Map.of("README.md", "# demo\n"));
        try (Orchestrator o = Orchestrator.builder().repo(repo).git(new GitCliBackend())
                .ci(dev.agentorchestrator.Ci.none()).agent(ScriptAgent.of(MergeContract.WRITING_AGENT))
                .feature("alpha", "src/alpha.txt A").feature("beta", "docs/beta.md B").feature("gamma", "gamma.txt G").start()) {
            o.awaitAll(Duration.ofSeconds(90));
            List<String> outcomes = new ArrayList<>();
            for (int i = 0; i < order.size(); i++) {
                MergeResult r = o.merge(MergeRequest.of(order.get(i)).withStrategy(strategies.get(i)));
                if (r.outcome() == MergeResult.Outcome.NOT_FAST_FORWARD) {
                    r = o.merge(MergeRequest.of(order.get(i))); // the base moved: a merge commit instead
                }
                outcomes.add(order.get(i) + " " + strategies.get(i) + " " + r.outcome());
                Assertions.assertTrue(r.merged(), outcomes.toString() + ": " + r);
            }
            String tree = TestRepos.git(repo, "rev-parse", "main^{tree}").trim();
            String expected = expectedTree(root.resolve("expected"));
            Assertions.assertEquals(expected, tree, "order " + order + ", strategies " + strategies);
        }
    }

    /** The tree of the same three files committed by hand on one branch. */
    private static String expectedTree(Path dir) {
        Path repo = TestRepos.withFiles(dir, Map.of("README.md", "# demo\n"));
        TestRepos.commitFiles(repo, Map.of("src/alpha.txt", "src/alpha.txt A\n", "docs/beta.md", "docs/beta.md B\n",
                "gamma.txt", "gamma.txt G\n"), "all");
        return TestRepos.git(repo, "rev-parse", "HEAD^{tree}").trim();
    }

    @Provide
    Arbitrary<List<String>> orders() {
        return Arbitraries.shuffle(FEATURES);
    }

    @Provide
    Arbitrary<List<MergeStrategy>> strategies() {
        return Arbitraries.of(MergeStrategy.class).list().ofSize(FEATURES.size());
    }
}
