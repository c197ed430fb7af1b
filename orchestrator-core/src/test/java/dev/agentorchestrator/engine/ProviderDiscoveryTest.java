package dev.agentorchestrator.engine;

import static org.junit.jupiter.api.Assertions.*;

import dev.agentorchestrator.Ci;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.spi.Availability;
import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.internal.engine.Providers;
import dev.agentorchestrator.spi.AgentLauncher;
import dev.agentorchestrator.spi.CiRunner;
import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.StateStore;
import dev.agentorchestrator.testing.ScriptAgent;
import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defaults come from ServiceLoader (highest priority wins); the builder's choice overrides them. */
class ProviderDiscoveryTest {

    /** A test-only SPI with two providers registered in src/test/resources/META-INF/services. */
    public interface Greeter {
        int priority();

        String greet();
    }

    public static final class LowGreeter implements Greeter {
        public int priority() {
            return 1;
        }

        public String greet() {
            return "low";
        }
    }

    public static final class HighGreeter implements Greeter {
        public int priority() {
            return 5;
        }

        public String greet() {
            return "high";
        }
    }

    /** A test-only SPI with no provider at all. */
    public interface Unprovided {
    }

    @TempDir
    Path tmp;

    @Test
    void theHighestPriorityProviderWinsAndAllAreListedInOrder() {
        assertEquals("high", Providers.best(Greeter.class, Greeter::priority, Greeter::greet,
                g -> Availability.usable(g.greet()), "greeter", "hint").chosen().greet());
        assertEquals(List.of("high", "low"), Providers.all(Greeter.class, Greeter::priority).stream().map(Greeter::greet).toList());
    }

    @Test
    void anUnusableProviderIsPassedOverAndEveryCandidateIsNamedWhenNoneCanRun() {
        Providers.Choice<Greeter> choice = Providers.best(Greeter.class, Greeter::priority, Greeter::greet,
                g -> g.greet().equals("high") ? Availability.unusable("its CLI is not on the PATH") : Availability.usable("ok"),
                "greeter", "hint");
        assertEquals("low", choice.chosen().greet());
        assertEquals(2, choice.tried().size(), choice.tried().toString());
        assertTrue(choice.tried().get(0).contains("high") && choice.tried().get(0).contains("not on the PATH"), choice.tried().toString());

        ConfigurationException none = assertThrows(ConfigurationException.class, () -> Providers.best(Greeter.class,
                Greeter::priority, Greeter::greet, g -> Availability.unusable(g.greet() + " is missing"), "greeter", "hint"));
        assertTrue(none.getMessage().contains("high is missing") && none.getMessage().contains("low is missing"), none.getMessage());
        assertTrue(none.getMessage().contains(".greeter(...)"), none.getMessage());
    }

    @Test
    void aMissingProviderIsAClearError() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> Providers.best(Unprovided.class, u -> 0, u -> "u", u -> Availability.usable("u"), "unprovided",
                        "add the module that provides it"));
        assertTrue(e.getMessage().contains("No Unprovided"), e.getMessage());
        assertTrue(e.getMessage().contains("META-INF/services/" + Unprovided.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains(".unprovided(...)"), e.getMessage());
        assertTrue(e.getMessage().contains("add the module that provides it"), e.getMessage());
    }

    @Test
    void coreRegistersADefaultForEverySpi() {
        assertEquals("git-cli", Providers.all(GitBackend.class, GitBackend::priority).get(0).name());
        assertEquals("claude-code", Providers.all(AgentLauncher.class, AgentLauncher::priority).get(0).name());
        assertEquals("json-files", Providers.all(StateStore.Provider.class, StateStore.Provider::priority).get(0).name());
        assertTrue(Providers.all(CiRunner.class, CiRunner::priority).get(0).name().startsWith("command"));
        assertTrue(new dev.agentorchestrator.git.GitCliBackend().availability().usable(), "git is installed here");
    }

    @Test
    void theDefaultsRunAFeatureAndTheBuildersChoicesOverrideThem() {
        Path repo = TestRepos.withCommit(tmp.resolve("r"));
        // Only the agent and CI are given: git backend and state store come from ServiceLoader.
        try (Orchestrator o = Orchestrator.builder().repo(repo).agent(ScriptAgent.of("echo SESSION d").named("my-agent"))
                .ci(Ci.none()).feature("f", "x").start()) {
            assertEquals("my-agent", o.await("f", Duration.ofSeconds(30)).agent());
            assertTrue(repo.resolve(".git/agent-orchestrator/sessions").toFile().isDirectory(), "default JSON store used");
        }
    }
}
