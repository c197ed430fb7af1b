package dev.agentorchestrator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The compiled module descriptor exports the API and the SPI and nothing of the engine. */
class ModuleApiTest {

    @Test
    void theModuleExportsOnlyTheApiTheSpiAndTheShippedImplementations() {
        ModuleDescriptor module = ModuleFinder.of(Path.of("target/classes")).find("dev.agentorchestrator.core")
                .orElseThrow(() -> new AssertionError("target/classes holds no module dev.agentorchestrator.core"))
                .descriptor();
        Set<String> exported = module.exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(Set.of("dev.agentorchestrator", "dev.agentorchestrator.spi", "dev.agentorchestrator.agents",
                "dev.agentorchestrator.git", "dev.agentorchestrator.ci", "dev.agentorchestrator.store", "dev.agentorchestrator.notify")), exported);
        assertEquals(Set.of("dev.agentorchestrator.internal.git -> [dev.agentorchestrator.jgit]"), module.exports().stream()
                .filter(ModuleDescriptor.Exports::isQualified).map(e -> e.source() + " -> " + e.targets())
                .collect(Collectors.toSet()), "only the git plumbing, and only to the JGit backend");
        assertTrue(module.packages().stream().anyMatch(p -> p.startsWith("dev.agentorchestrator.internal")),
                "the engine is in the module, just not exported");
        assertEquals(Set.of("dev.agentorchestrator.spi.GitBackend", "dev.agentorchestrator.spi.AgentLauncher",
                "dev.agentorchestrator.spi.CiRunner", "dev.agentorchestrator.spi.StateStore$Provider"), module.uses());
    }
}
