package dev.agentorchestrator.examples.cli.engine;

import dev.agentorchestrator.examples.dashboard.Dashboard;
import dev.agentorchestrator.examples.dashboard.DashboardOptions;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.examples.cli.CliException;
import dev.agentorchestrator.examples.cli.ExitCodes;
import dev.agentorchestrator.examples.cli.RepositoryLayout;
import dev.agentorchestrator.examples.cli.SessionView;
import dev.agentorchestrator.examples.cli.Version;
import dev.agentorchestrator.examples.cli.config.OrchestratorConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-repository engine process ({@code agent-orchestrator start --foreground}, which is also
 * what a background start runs): the repository's {@link dev.agentorchestrator.Orchestrator}
 * behind the {@link ControlApi} on 127.0.0.1, with its token and address in {@link EngineFiles}.
 * It stops on {@code POST /api/shutdown}, on SIGTERM or Ctrl-C, and by itself after the idle
 * timeout; stopping leaves every session as the library's {@code close()} does (agents still
 * working become INTERRUPTED, to be resumed).
 */
public final class EngineProcess {

    private static final Logger log = LoggerFactory.getLogger(EngineProcess.class);

    private EngineProcess() {
    }

    /**
     * Runs the engine until it is told to stop or is idle; returns the exit code.
     *
     * @throws CliException with {@link ExitCodes#ENGINE} when another engine holds the repository
     */
    public static int run(RepositoryLayout layout, OrchestratorConfig config, PrintStream out) {
        EngineFiles files = new EngineFiles(layout.engineDirectory());
        files.ensureDirectory();
        EngineCommands engine;
        try {
            engine = EngineCommands.start(layout, config);
        } catch (ConfigurationException e) {
            if (e.getMessage() != null && e.getMessage().contains("already running")) {
                throw new CliException(ExitCodes.ENGINE, "another engine already runs on this repository: " + e.getMessage());
            }
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        EngineActivity activity = new EngineActivity(config.engine().idleTimeout(), System::nanoTime);
        AtomicInteger threads = new AtomicInteger();
        ExecutorService http = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "engine-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "engine-idle-watchdog");
            t.setDaemon(true);
            return t;
        });
        HttpServer server = null;
        CoordinationFile coordination = null;
        long pid = ProcessHandle.current().pid();
        Thread hook = new Thread(() -> {
            activity.stop();
            files.removeAddressOf(pid);
        }, "engine-shutdown");
        try {
            String token = files.newToken();
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            Instant startedAt = Instant.now();
            ObjectNode info = SessionView.JSON.createObjectNode();
            info.put("pid", pid);
            info.put("startedAt", startedAt.toString());
            info.put("version", Version.current());
            info.put("repository", layout.mainWorktree().toString());
            info.put("idleTimeoutMillis", config.engine().idleTimeout().toMillis());
            Runnable shutdown = () -> {
                activity.stop();
                stopped.countDown();
            };
            server.createContext("/api/", new ControlApi(engine, token, activity, info, shutdown));
            // The web dashboard is served by the same server and token, on "/" and "/dashboard/...".
            Dashboard.attach(server, engine.orchestrator(), DashboardOptions.defaults().withToken(token));
            server.setExecutor(http);
            server.start();
            int port = server.getAddress().getPort();
            Runtime.getRuntime().addShutdownHook(hook);
            coordination = CoordinationFile.start(files, engine, pid);
            files.writeAddress(new EngineFiles.EngineAddress(pid, port, startedAt, Version.current()));
            log.info("engine {} for {} listening on http://127.0.0.1:{}/api/ (idle timeout {})", pid, layout.mainWorktree(), port,
                    config.engine().idleTimeout());
            out.println("agent-orchestrator engine running on http://127.0.0.1:" + port + " (pid " + pid + ")");
            out.flush();
            long checkMillis = Math.max(100, Math.min(5_000, config.engine().idleTimeout().toMillis() / 4));
            watchdog.scheduleWithFixedDelay(() -> {
                try {
                    if (activity.idle(engine::hasLiveSession)) {
                        log.info("idle for {} with no live session and no client; stopping", config.engine().idleTimeout());
                        shutdown.run();
                    }
                } catch (RuntimeException e) {
                    log.warn("idle check failed", e);
                }
            }, checkMillis, checkMillis, TimeUnit.MILLISECONDS);
            stopped.await();
            return ExitCodes.OK;
        } catch (IOException e) {
            throw new CliException(ExitCodes.ENGINE, "cannot open the engine's server on 127.0.0.1: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILURE;
        } finally {
            activity.stop();
            files.removeAddressOf(pid);
            if (coordination != null) {
                coordination.close();
            }
            watchdog.shutdownNow();
            if (server != null) {
                server.stop(0);
            }
            engine.close();
            http.shutdownNow();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook runs anyway
            }
            log.info("engine {} stopped", pid);
        }
    }
}
