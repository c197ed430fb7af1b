package dev.agentorchestrator.examples.cli.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.ForecastMatrix;
import dev.agentorchestrator.Overlap;
import dev.agentorchestrator.examples.cli.CoordinationView;
import dev.agentorchestrator.examples.cli.SessionView;
import dev.agentorchestrator.examples.cli.StatusTable;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code coordination.json} in the engine's folder equal to what the engine would answer
 * for the overlaps and the forecast: {@code {"pid", "overlaps", "forecast", "text"}}, {@code text}
 * being the lines {@code status} prints under the table. A quick {@code status} reads it with the
 * session records instead of asking the engine over HTTP, which would cost it picocli, the HTTP
 * client and Jackson's data binding (docs/cli.md). Checked every second and written only when it
 * changed, so it is at most a second behind the engine; {@code pid} tells a reader whether the
 * file is the running engine's. Removed when the engine stops.
 */
final class CoordinationFile implements AutoCloseable {

    static final String NAME = "coordination.json";
    private static final Logger log = LoggerFactory.getLogger(CoordinationFile.class);

    private final EngineFiles files;
    private final EngineCommands engine;
    private final long pid;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "engine-coordination-file");
        t.setDaemon(true);
        return t;
    });
    private String written = "";

    private CoordinationFile(EngineFiles files, EngineCommands engine, long pid) {
        this.files = files;
        this.engine = engine;
        this.pid = pid;
    }

    /** Writes the file now and then whenever what it holds changes. */
    static CoordinationFile start(EngineFiles files, EngineCommands engine, long pid) {
        CoordinationFile f = new CoordinationFile(files, engine, pid);
        f.update();
        f.timer.scheduleWithFixedDelay(f::update, 1, 1, TimeUnit.SECONDS);
        return f;
    }

    /** The file's text for these figures. */
    static String text(long pid, List<Overlap> overlaps, ForecastMatrix forecast) {
        ObjectNode n = SessionView.JSON.createObjectNode();
        n.put("pid", pid);
        n.set("overlaps", CoordinationView.overlapsToJson(overlaps));
        n.set("forecast", CoordinationView.forecastToJson(forecast));
        n.put("text", StatusTable.coordination(Optional.of(new StatusTable.Coordination(overlaps, forecast))));
        return n.toPrettyString() + "\n";
    }

    private synchronized void update() {
        try {
            String now = text(pid, engine.overlaps(), engine.forecast());
            if (!now.equals(written)) {
                files.write(files.coordinationFile(), now);
                written = now;
            }
        } catch (RuntimeException e) {
            // A quick status then finds no current file and asks the engine, as it did before.
            log.warn("could not write {}: {}", files.coordinationFile(), e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        try {
            Files.deleteIfExists(files.coordinationFile());
        } catch (IOException e) {
            log.warn("could not remove {}: {}", files.coordinationFile(), e.getMessage());
        }
    }
}
