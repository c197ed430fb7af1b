package dev.agentorchestrator.examples.cli.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentorchestrator.examples.cli.CliException;
import dev.agentorchestrator.examples.cli.ExitCodes;
import dev.agentorchestrator.examples.cli.RepositoryLayout;
import dev.agentorchestrator.examples.cli.SessionView;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A command's connection to the repository's engine process: finds it through its address file,
 * starts one in the background when there is none (a detached {@code java} running this same jar),
 * and turns the control API's answers into results or {@link CliException}s with the right exit code.
 */
public final class EngineClient {

    /** How long a command waits for an engine it started to answer. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    /** One client per process: it holds threads and a selector, too much to make for every poll. */
    private static final class Http {
        static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    }

    private final HttpClient http;
    private final EngineFiles.EngineAddress address;
    private final String token;

    private EngineClient(HttpClient http, EngineFiles.EngineAddress address, String token) {
        this.http = http;
        this.address = address;
        this.token = token;
    }

    /** The running engine, if its address file names a live process that answers with the token. */
    public static Optional<EngineClient> running(RepositoryLayout layout) {
        EngineFiles files = new EngineFiles(layout.engineDirectory());
        Optional<EngineFiles.EngineAddress> address = files.readAddress();
        if (address.isEmpty() || ProcessHandle.of(address.get().pid()).map(p -> !p.isAlive()).orElse(true)) {
            return Optional.empty();
        }
        Optional<String> token = files.readToken();
        if (token.isEmpty()) {
            return Optional.empty();
        }
        EngineClient client = new EngineClient(Http.CLIENT, address.get(), token.get());
        try {
            HttpResponse<String> r = client.send("GET", "/api/status", null, Duration.ofSeconds(5));
            return r.statusCode() == 200 ? Optional.of(client) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * The running engine, or one started now in the background. Commands started at the same
     * moment take turns on a lock file, so they start one engine between them.
     *
     * @throws CliException with {@link ExitCodes#ENGINE} when no engine answers in time
     */
    public static EngineClient connect(RepositoryLayout layout) {
        Optional<EngineClient> running = running(layout);
        if (running.isPresent()) {
            return running.get();
        }
        EngineFiles files = new EngineFiles(layout.engineDirectory());
        files.ensureDirectory();
        try (FileChannel channel = FileChannel.open(files.spawnLockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            running = running(layout);
            if (running.isPresent()) {
                return running.get();
            }
            return start(layout, files);
        } catch (IOException e) {
            throw new CliException(ExitCodes.ENGINE, "cannot take " + files.spawnLockFile() + " to start the engine: " + e.getMessage());
        }
    }

    private static EngineClient start(RepositoryLayout layout, EngineFiles files) throws IOException {
        Process child = spawn(layout, files);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<EngineClient> up = running(layout);
            if (up.isPresent()) {
                return up.get();
            }
            if (!child.isAlive()) {
                // Exit code 4: another orchestrator (an embedded one, or an engine still starting) holds the repository.
                throw new CliException(child.exitValue() == ExitCodes.ENGINE ? ExitCodes.ENGINE : ExitCodes.FAILURE,
                        "the engine did not start (exit code " + child.exitValue() + "). The end of " + files.logFile() + ":\n"
                        + tail(files.logFile(), 15));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCodes.ENGINE, "interrupted while waiting for the engine to start");
            }
        }
        throw new CliException(ExitCodes.ENGINE, "the engine started in the background (pid " + child.pid() + ") did not answer within "
                + START_TIMEOUT.toSeconds() + " s; see " + files.logFile());
    }

    /** Starts {@code java -cp <this jar> Main start --foreground} detached, its output appended to the engine log. */
    private static Process spawn(RepositoryLayout layout, EngineFiles files) throws IOException {
        List<String> command = new ArrayList<>();
        // Its own session, so that Ctrl-C in the terminal that started it does not stop it.
        for (String setsid : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(setsid))) {
                command.add(setsid);
                break;
            }
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-XX:+UseSerialGC", "-Xshare:auto", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ",
                "-cp", System.getProperty("java.class.path"), "dev.agentorchestrator.examples.cli.Main", "start", "--foreground"));
        ProcessBuilder pb = new ProcessBuilder(command).directory(layout.mainWorktree().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(files.logFile().toFile()));
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public EngineFiles.EngineAddress address() {
        return address;
    }

    public JsonNode get(String path) {
        return call("GET", path, null, Duration.ofSeconds(30));
    }

    public JsonNode post(String path, JsonNode body) {
        return call("POST", path, body, Duration.ofMinutes(2));
    }

    /** A POST that may take as long as {@code timeout} (such as waiting for a session to settle). */
    public JsonNode post(String path, JsonNode body, Duration timeout) {
        return call("POST", path, body, timeout);
    }

    public JsonNode delete(String path) {
        return call("DELETE", path, null, Duration.ofMinutes(2));
    }

    /** A session's path: {@code /api/sessions/<url-encoded name>}. */
    public static String sessionPath(String name) {
        return "/api/sessions/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    /** The token this client authenticates with (the dashboard's address carries it once). */
    public String token() {
        return token;
    }

    /** The raw answer to a GET of any path (the dashboard's, for example), with the token. */
    public HttpResponse<String> raw(String path) throws IOException, InterruptedException {
        return send("GET", path, null, Duration.ofSeconds(10));
    }

    private JsonNode call(String method, String path, JsonNode body, Duration timeout) {
        HttpResponse<String> r;
        try {
            r = send(method, path, body, timeout);
        } catch (ConnectException e) {
            throw new CliException(ExitCodes.ENGINE, "the engine at " + address.url() + " (pid " + address.pid()
                    + ") does not answer; run the command again to start a new one");
        } catch (IOException e) {
            throw new CliException(ExitCodes.ENGINE, "talking to the engine at " + address.url() + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILURE, "interrupted");
        }
        JsonNode json;
        try {
            json = r.body().isEmpty() ? SessionView.JSON.createObjectNode() : SessionView.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new CliException(ExitCodes.ENGINE, "the engine answered " + r.statusCode() + " with something that is not JSON");
        }
        int status = r.statusCode();
        if (status >= 200 && status < 300) {
            return json;
        }
        String message = json.path("error").asText("HTTP " + status);
        int exit = switch (status) {
            case 401, 403 -> ExitCodes.ENGINE;
            case 404 -> json.path("kind").asText().equals("not-found") ? ExitCodes.NOT_FOUND : ExitCodes.FAILURE;
            default -> ExitCodes.FAILURE;
        };
        throw new CliException(exit, message);
    }

    private HttpResponse<String> send(String method, String path, JsonNode body, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(address.url() + path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, publisher)
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
