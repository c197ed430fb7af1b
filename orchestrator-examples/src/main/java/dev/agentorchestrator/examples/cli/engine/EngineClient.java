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
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
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

    static {
        // A POST whose answer is lost must not be sent again behind the command's back (a second prompt, a second merge).
        System.setProperty("sun.net.http.retryPost", "false");
    }

    private final EngineFiles.EngineAddress address;
    private final String token;

    private EngineClient(EngineFiles.EngineAddress address, String token) {
        this.address = address;
        this.token = token;
    }

    /** An answer of the engine: its HTTP status and its body. */
    private record Answer(int status, String body) {
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
        EngineClient client = new EngineClient(address.get(), token.get());
        try {
            return client.send("GET", "/api/status", null, Duration.ofSeconds(5)).status() == 200 ? Optional.of(client) : Optional.empty();
        } catch (IOException e) {
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

    /** The HTTP status of a GET of any path (the dashboard's, for example), with the token. */
    public int statusOf(String path) throws IOException {
        return send("GET", path, null, Duration.ofSeconds(10)).status();
    }

    private JsonNode call(String method, String path, JsonNode body, Duration timeout) {
        Answer r;
        try {
            r = send(method, path, body, timeout);
        } catch (ConnectException e) {
            throw new CliException(ExitCodes.ENGINE, "the engine at " + address.url() + " (pid " + address.pid()
                    + ") does not answer; run the command again to start a new one");
        } catch (IOException e) {
            throw new CliException(ExitCodes.ENGINE, "talking to the engine at " + address.url() + " failed: " + e);
        }
        JsonNode json;
        try {
            json = r.body().isEmpty() ? SessionView.JSON.createObjectNode() : SessionView.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new CliException(ExitCodes.ENGINE, "the engine answered " + r.status() + " with something that is not JSON");
        }
        int status = r.status();
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

    /**
     * One request on loopback with {@code HttpURLConnection}: the JDK's {@code HttpClient} sets up
     * TLS even for plain HTTP, about 200 classes of it, which every command paid at start.
     */
    private Answer send(String method, String path, JsonNode body, Duration timeout) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(address.url() + path).toURL().openConnection(Proxy.NO_PROXY);
        try {
            c.setConnectTimeout(3_000);
            c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
            c.setRequestMethod(method);
            c.setUseCaches(false);
            c.setRequestProperty("Authorization", "Bearer " + token);
            c.setRequestProperty("Content-Type", "application/json");
            if (body != null) {
                byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(bytes.length);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(bytes);
                }
            }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            String text;
            if (in == null) {
                text = "";
            } else {
                try (in) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return new Answer(status, text);
        } finally {
            c.disconnect();
        }
    }
}
