package dev.agentorchestrator.internal.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The engine's folder in the common git directory, as it was before a start. A start that fails
 * (a bad base branch found late, no usable launcher, a store that cannot open) must leave the
 * repository's git directory as it found it, so the folder is removed again when this start made
 * it, and never touched when it was there before (it then holds another run's sessions).
 */
final class StateFolder {
    static final String NAME = "agent-orchestrator";

    private final Path folder;
    private final boolean existedBefore;

    private StateFolder(Path folder, boolean existedBefore) {
        this.folder = folder;
        this.existedBefore = existedBefore;
    }

    static StateFolder before(Path commonGitDir) {
        Path folder = commonGitDir.resolve(NAME);
        return new StateFolder(folder, Files.exists(folder));
    }

    /**
     * Removes the folder and what this start wrote into it, when the start made it; a file that
     * cannot be removed is added to {@code failure} as suppressed, so the first cause stays first.
     */
    void removeIfCreated(RuntimeException failure) {
        if (existedBefore || !Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            List<Path> deepestFirst = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : deepestFirst) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            failure.addSuppressed(new IOException("could not remove " + folder + ", which the failed start made: "
                    + e.getMessage(), e));
        }
    }
}
