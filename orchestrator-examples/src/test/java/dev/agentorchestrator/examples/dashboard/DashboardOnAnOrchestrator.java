package dev.agentorchestrator.examples.dashboard;

import dev.agentorchestrator.Orchestrator;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the dashboard's HTTP tests share: a real orchestrator the test starts on a
 * {@link DashboardFixture} repository, the dashboard served on it, a client for its routes, and
 * both closed after each test.
 */
abstract class DashboardOnAnOrchestrator {

    @TempDir
    Path tmp;
    DashboardFixture fixture;
    Orchestrator orchestrator;
    Dashboard dashboard;
    TestHttp http;

    @AfterEach
    void stop() {
        if (dashboard != null) {
            dashboard.close();
        }
        if (orchestrator != null) {
            orchestrator.close();
        }
    }

    void start(Orchestrator.Builder builder) {
        orchestrator = builder.start();
        dashboard = Dashboard.start(orchestrator, DashboardOptions.defaults());
        http = new TestHttp(dashboard);
    }
}
