package dev.agentorchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.DependencyMode;
import dev.agentorchestrator.Feature;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.RemoveRequest;
import dev.agentorchestrator.testing.ScriptAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17: features that could never start are refused before anything is stored, naming the cycle or the missing one. */
class DependencyCycleTest {

    @TempDir
    Path tmp;

    @Test
    void aCycleAmongTheBuildersFeaturesIsNamedAndNothingIsStored() {
        EngineFixture f = new EngineFixture(tmp);
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> f.builder().agent(ScriptAgent.of("true"))
                .feature("free", "x")
                .feature(Feature.builder("a", "x").dependsOn("c").build())
                .feature(Feature.builder("b", "x").dependsOn("a").build())
                .feature(Feature.builder("c", "x").stackedOn("b").build())
                .start());
        assertTrue(e.getMessage().contains("a -> c -> b -> a"), e.getMessage());
        try (Orchestrator o = f.builder().agent(ScriptAgent.of("true")).start()) {
            assertEquals(List.of(), o.sessions(), "the refused start stored no session, not even the free one");
        }
    }

    @Test
    void anUnknownDependencyIsNamedWithTheFeatureThatNeedsIt() {
        EngineFixture f = new EngineFixture(tmp);
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> f.builder().agent(ScriptAgent.of("true"))
                .feature(Feature.builder("ui", "x").dependsOn("api").build()).start());
        assertTrue(e.getMessage().startsWith("'ui' depends on 'api', which is neither a feature given to the builder nor a stored"
                + " session"), e.getMessage());
    }

    @Test
    void addingBackARemovedFeatureThatWouldCloseACycleIsRefused() {
        EngineFixture f = new EngineFixture(tmp);
        try (Orchestrator o = f.builder().agent(ScriptAgent.of("echo SESSION s")).start()) {
            o.addFeature("a", "x");
            o.addFeature(Feature.builder("b", "y").dependsOn("a").build());
            o.await("a", Duration.ofSeconds(60));
            o.remove(RemoveRequest.of("a").force());
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> o.addFeature(Feature.builder("a", "again").dependsOn("b").build()));
            assertTrue(e.getMessage().contains("b -> a -> b"), e.getMessage());
            assertEquals(List.of("b"), o.sessions().stream().map(s -> s.name()).toList());
        }
    }

    @Test
    void aStackedFeatureStacksOnOneDependency() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> Feature.builder("c", "x")
                .dependsOn("a", "b").dependencyMode(DependencyMode.STACKED).build());
        assertTrue(e.getMessage().contains("exactly one dependency") && e.getMessage().contains("SEQUENTIAL"), e.getMessage());
        assertEquals(DependencyMode.SEQUENTIAL, Feature.builder("d", "x").dependsOn("a").build().dependencyMode(), "the default");
    }
}
