package dev.agentorchestrator.jgit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.GitBackendContract;
import java.util.Comparator;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The backend contract run against JGit, plus how the JGit backend is found. */
class JGitBackendContractTest extends GitBackendContract {

    private final GitBackend backend = new JGitBackend();

    @Override
    protected GitBackend backend() {
        return backend;
    }

    @Test
    void isFoundThroughServiceLoaderAsJGitAndWinsOnPriority() {
        GitBackend chosen = ServiceLoader.load(GitBackend.class).stream().map(ServiceLoader.Provider::get)
                .max(Comparator.comparingInt(GitBackend::priority)).orElseThrow();
        assertEquals("jgit", chosen.name());
        assertEquals(100, chosen.priority());
    }
}
