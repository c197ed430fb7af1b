package dev.agentorchestrator.examples.cli.commands;

import dev.agentorchestrator.Session;
import dev.agentorchestrator.examples.cli.CliException;
import dev.agentorchestrator.examples.cli.ExitCodes;
import dev.agentorchestrator.examples.cli.RepositoryLayout;
import dev.agentorchestrator.examples.cli.config.OrchestratorConfig;
import dev.agentorchestrator.examples.cli.engine.EngineClient;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.spi.StateStore;
import dev.agentorchestrator.store.StateStores;
import java.nio.file.Path;
import java.util.List;

/**
 * What commands share: the repository of the working folder, its config, its stored state and
 * its engine. Read-only commands stop at {@link #sessions()}: no engine, no JGit.
 */
final class Context {

    private Context() {
    }

    static RepositoryLayout layout() {
        return RepositoryLayout.locate(Path.of(""));
    }

    /** The config file with the environment's overrides, or the defaults when there is no file. */
    static OrchestratorConfig config(RepositoryLayout layout) {
        return OrchestratorConfig.loadOrDefaults(layout.configFile()).withEnvironment(System.getenv());
    }

    /** Every stored session, read from the state store without an engine. */
    static List<Session> sessions(RepositoryLayout layout) {
        try (StateStore store = StateStores.jsonFiles(layout.commonGitDir())) {
            return store.loadAll().stream().map(SessionRecord::view).toList();
        }
    }

    static Session storedSession(RepositoryLayout layout, String name) {
        try (StateStore store = StateStores.jsonFiles(layout.commonGitDir())) {
            return store.load(name).map(SessionRecord::view).orElseThrow(() -> new CliException(ExitCodes.NOT_FOUND, "no session named '" + name
                    + "' in this repository; 'agent-orchestrator list' shows the sessions"));
        }
    }

    /** The engine, started in the background if none runs; the config is checked first so its errors show here. */
    static EngineClient engine(RepositoryLayout layout) {
        config(layout);
        return EngineClient.connect(layout);
    }
}
