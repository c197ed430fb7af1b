package dev.agentorchestrator.examples.cli.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentorchestrator.examples.cli.CliException;
import dev.agentorchestrator.examples.cli.ExitCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The engine process's files in {@code <common git dir>/agent-orchestrator/engine/}:
 * <ul>
 *   <li>{@code token}: the random bearer token of the running engine, readable by the user only (0600);</li>
 *   <li>{@code engine.json}: its address and pid, written once the server answers, removed when it stops;</li>
 *   <li>{@code engine.log}: its log (appended by each engine started in the background);</li>
 *   <li>{@code spawn.lock}: held by a command while it starts an engine, so two commands start one.</li>
 * </ul>
 * The folder itself is 0700. Files with secrets are created with their permissions, never chmod-ed after.
 */
public final class EngineFiles {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path directory;

    public EngineFiles(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    public Path tokenFile() {
        return directory.resolve("token");
    }

    public Path addressFile() {
        return directory.resolve("engine.json");
    }

    public Path logFile() {
        return directory.resolve("engine.log");
    }

    public Path spawnLockFile() {
        return directory.resolve("spawn.lock");
    }

    /**
     * What the running engine computed besides the sessions (overlaps, forecast), rewritten as it
     * changes, so that a quick {@code status} shows it without asking the engine (see
     * {@link CoordinationFile}).
     */
    public Path coordinationFile() {
        return directory.resolve(CoordinationFile.NAME);
    }

    /** Writes {@code text} to {@code file} in this folder so that no reader sees half of it. */
    public void write(Path file, String text) {
        writeAtomically(file, text);
    }

    /** Makes the folder (0700) if it is missing. */
    public void ensureDirectory() {
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory.getParent());
                Files.createDirectory(directory, ownerOnly("rwx------"));
            }
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // another process made it at the same moment
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot make the engine folder " + directory + ": " + e.getMessage());
        }
    }

    /** A new random token (256 bits), written to {@link #tokenFile()} with mode 0600 and returned. */
    public String newToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        writeAtomically(tokenFile(), token + "\n");
        return token;
    }

    /** The running engine's token, if the file is there. */
    public Optional<String> readToken() {
        try {
            return Optional.of(Files.readString(tokenFile(), StandardCharsets.UTF_8).strip()).filter(t -> !t.isEmpty());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Writes where the engine answers. */
    public void writeAddress(EngineAddress address) {
        ObjectNode node = JSON.createObjectNode();
        node.put("pid", address.pid());
        node.put("port", address.port());
        node.put("url", address.url());
        node.put("startedAt", address.startedAt().toString());
        node.put("version", address.version());
        writeAtomically(addressFile(), node.toPrettyString() + "\n");
    }

    /** Where an engine said it answers; it may have died since (check with a request). */
    public Optional<EngineAddress> readAddress() {
        try {
            JsonNode node = JSON.readTree(Files.readString(addressFile(), StandardCharsets.UTF_8));
            return Optional.of(new EngineAddress(node.path("pid").asLong(), node.path("port").asInt(),
                    Instant.parse(node.path("startedAt").asText()), node.path("version").asText("")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Removes the address file if it is still this process's. */
    public void removeAddressOf(long pid) {
        if (readAddress().map(a -> a.pid() == pid).orElse(false)) {
            try {
                Files.deleteIfExists(addressFile());
            } catch (IOException ignored) {
                // a stale address is checked by every client anyway
            }
        }
    }

    /** Write to a temp file made with the final permissions, then rename over the old one: no reader sees half a file. */
    private void writeAtomically(Path target, String text) {
        ensureDirectory();
        Path tmp = directory.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, ownerOnly("rw-------"));
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot write " + target + ": " + e.getMessage());
        }
    }

    private static FileAttribute<?>[] ownerOnly(String permissions) {
        if (!POSIX) {
            return new FileAttribute<?>[0];
        }
        Set<PosixFilePermission> set = PosixFilePermissions.fromString(permissions);
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(set)};
    }

    /**
     * Where a running engine answers.
     *
     * @param pid       its process id
     * @param port      its loopback port
     * @param startedAt when it started
     * @param version   the command line's version that started it
     */
    public record EngineAddress(long pid, int port, Instant startedAt, String version) {
        /** The base URL, always on 127.0.0.1. */
        public String url() {
            return "http://127.0.0.1:" + port;
        }
    }
}
