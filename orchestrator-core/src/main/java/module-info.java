/**
 * agent-orchestrator's core: the host API ({@code dev.agentorchestrator}), the SPI a host swaps
 * ({@code .spi}), and the shipped implementations a host may pick by hand ({@code .agents},
 * {@code .git}, {@code .ci}, {@code .store}). The engine ({@code .internal.*}) is not exported.
 */
module dev.agentorchestrator.core {
    requires transitive io.github.resilience4j.retry;
    requires io.github.resilience4j.core;
    requires io.github.resilience4j.bulkhead;
    requires io.github.resilience4j.timelimiter;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires java.xml;
    requires java.net.http;

    exports dev.agentorchestrator;
    exports dev.agentorchestrator.spi;
    exports dev.agentorchestrator.agents;
    exports dev.agentorchestrator.git;
    exports dev.agentorchestrator.ci;
    exports dev.agentorchestrator.store;
    exports dev.agentorchestrator.notify;
    // Both git backends write one journal format for all-or-nothing worktree creation.
    exports dev.agentorchestrator.internal.git to dev.agentorchestrator.jgit;

    uses dev.agentorchestrator.spi.GitBackend;
    uses dev.agentorchestrator.spi.AgentLauncher;
    uses dev.agentorchestrator.spi.CiRunner;
    uses dev.agentorchestrator.spi.StateStore.Provider;

    provides dev.agentorchestrator.spi.GitBackend with dev.agentorchestrator.git.GitCliBackend;
    provides dev.agentorchestrator.spi.AgentLauncher with dev.agentorchestrator.agents.ClaudeCodeLauncher,
            dev.agentorchestrator.agents.CodexLauncher, dev.agentorchestrator.agents.GeminiLauncher,
            dev.agentorchestrator.agents.AiderLauncher;
    provides dev.agentorchestrator.spi.CiRunner with dev.agentorchestrator.ci.CommandCiRunner;
    provides dev.agentorchestrator.spi.StateStore.Provider with dev.agentorchestrator.store.JsonFileStateStoreProvider;
}
