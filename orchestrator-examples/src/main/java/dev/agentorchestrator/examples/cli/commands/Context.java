package dev.agentorchestrator.examples.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.examples.cli.CliException;
import dev.agentorchestrator.examples.cli.CoordinationView;
import dev.agentorchestrator.examples.cli.ExitCodes;
import dev.agentorchestrator.examples.cli.RepositoryLayout;
import dev.agentorchestrator.examples.cli.StatusTable;
import dev.agentorchestrator.examples.cli.StoredSessions;
import dev.agentorchestrator.examples.cli.config.OrchestratorConfig;
import dev.agentorchestrator.examples.cli.engine.EngineClient;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.spi.StateStore;
import dev.agentorchestrator.store.StateStores;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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

    /**
     * Every stored session, read without an engine: by the quick reader, or by the state store
     * when a record needs it (the store reports a damaged one).
     */
    static List<Session> sessions(RepositoryLayout layout) {
        Optional<List<Session>> quick = StoredSessions.read(layout.commonGitDir());
        if (quick.isPresent()) {
            return quick.get();
        }
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

    /**
     * The overlaps and forecast of the engine that runs now, if one does; never starts one (they
     * would not be computed yet anyway).
     */
    static Optional<StatusTable.Coordination> coordination(RepositoryLayout layout) {
        Optional<EngineClient> engine = EngineClient.running(layout);
        if (engine.isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode status = engine.get().get("/api/status");
            return Optional.of(new StatusTable.Coordination(CoordinationView.overlapsFromJson(status.path("overlaps")),
                    CoordinationView.forecastFromJson(status.path("forecast"))));
        } catch (CliException engineWentAway) {
            return Optional.empty();
        }
    }

    /**
     * The engine for a command on these sessions, each looked up in the stored records first, so
     * that an unknown name is "not found" before any engine is started.
     */
    static EngineClient engineFor(RepositoryLayout layout, List<String> names) {
        names.forEach(n -> storedSession(layout, n));
        return engine(layout);
    }

    /** The engine, started in the background if none runs; the config is checked first so its errors show here. */
    static EngineClient engine(RepositoryLayout layout) {
        config(layout);
        return EngineClient.connect(layout);
    }
}
