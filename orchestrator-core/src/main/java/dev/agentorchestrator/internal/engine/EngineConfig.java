package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.Budget;
import dev.agentorchestrator.Feature;
import dev.agentorchestrator.OrchestratorEvent;
import dev.agentorchestrator.OverlapPolicy;
import dev.agentorchestrator.UncommittedWork;
import dev.agentorchestrator.WorktreeSetup;
import dev.agentorchestrator.spi.AgentLauncher;
import dev.agentorchestrator.spi.CiRunner;
import dev.agentorchestrator.spi.GitBackend;
import dev.agentorchestrator.spi.Notifier;
import dev.agentorchestrator.spi.Reaction;
import dev.agentorchestrator.spi.SessionStep;
import dev.agentorchestrator.spi.StateStore;
import io.github.resilience4j.retry.RetryConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/** Everything the builder collected, checked field by field; the engine resolves the defaults. */
public record EngineConfig(
        Path repo,
        List<Feature> features,
        Optional<AgentLauncher> agent,
        Optional<GitBackend> git,
        Optional<StateStore> stateStore,
        Optional<CiRunner> ci,
        int maxParallelSessions,
        Optional<Path> worktreesDirectory,
        String branchPrefix,
        Optional<String> baseBranch,
        WorktreeSetup setup,
        Duration sessionTimeout,
        Duration ciTimeout,
        Duration stopGrace,
        RetryConfig launchRetry,
        Map<String, String> agentEnvironment,
        Optional<Executor> listenerExecutor,
        List<Consumer<? super OrchestratorEvent>> listeners,
        Map<SessionStep.Phase, List<SessionStep>> steps,
        int maxParallelCi,
        List<Reaction> reactions,
        int maxReactionAttempts,
        UncommittedWork uncommittedWork,
        Budget budget,
        OverlapPolicy overlapPolicy,
        List<Notifier> notifiers,
        boolean testMergeResults,
        Duration stallTimeout,
        int mergeBatchSize) {
}
