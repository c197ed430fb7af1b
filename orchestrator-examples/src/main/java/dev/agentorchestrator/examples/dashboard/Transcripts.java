package dev.agentorchestrator.examples.dashboard;

import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.spi.StateStore;
import dev.agentorchestrator.store.StateStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where each session's transcript file is, asked of the state store by session name. Without a
 * store in the options, the repository's default JSON store is opened (read only in effect: the
 * dashboard never writes to it).
 */
final class Transcripts implements AutoCloseable {

    private final Orchestrator orchestrator;
    private final Optional<StateStore> given;
    private StateStore opened;
    private String unavailable;

    Transcripts(Orchestrator orchestrator, Optional<StateStore> given) {
        this.orchestrator = orchestrator;
        this.given = given;
    }

    /** The transcript file of a known session, or empty with {@link #whyNot()} set. */
    synchronized Optional<Path> file(String session) {
        StateStore store = given.orElseGet(this::openDefault);
        if (store == null) {
            return Optional.empty();
        }
        return store.log(session).file();
    }

    synchronized String whyNot() {
        return unavailable == null ? "This state store keeps no transcript file." : unavailable;
    }

    private StateStore openDefault() {
        if (opened == null && unavailable == null) {
            try {
                opened = StateStores.jsonFiles(commonGitDir(orchestrator.repository()));
            } catch (RuntimeException | IOException e) {
                unavailable = "The transcripts could not be opened: " + e.getMessage();
            }
        }
        return opened;
    }

    /** {@code git rev-parse --git-common-dir}, absolute: the folder the default store lives in. */
    static Path commonGitDir(Path repository) throws IOException {
        Process git = new ProcessBuilder("git", "rev-parse", "--path-format=absolute", "--git-common-dir")
                .directory(repository.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!git.waitFor(30, TimeUnit.SECONDS) || git.exitValue() != 0) {
                throw new IOException("git rev-parse --git-common-dir failed in " + repository + ": " + out);
            }
            return Path.of(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking git for the common git directory", e);
        } finally {
            git.destroy();
        }
    }

    @Override
    public synchronized void close() {
        if (opened != null) {
            opened.close();
            opened = null;
        }
    }
}
