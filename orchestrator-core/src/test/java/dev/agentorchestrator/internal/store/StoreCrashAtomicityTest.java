package dev.agentorchestrator.internal.store;

import static dev.agentorchestrator.internal.store.StoreFixtures.everyField;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.spi.SessionRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A writer killed with SIGKILL between writing its temp file and renaming it changes nothing. */
class StoreCrashAtomicityTest {

    private static final String NAME = "crash/Öl";

    @TempDir
    Path temp;

    @Test
    void aWriterKilledBeforeItsRenameLeavesTheOldRecordIntact() throws Exception {
        Path gitDir = Files.createDirectories(temp.resolve("git"));
        SessionRecord original = everyField(NAME);
        Path record;
        try (JsonFileStateStore store = JsonFileStateStore.open(gitDir, Duration.ofSeconds(10))) {
            store.create(original);
            record = store.sessionsFolder().resolve(StoreFileNames.encode(NAME) + ".json");
        }
        byte[] before = Files.readAllBytes(record);

        Path marker = temp.resolve("about-to-rename");
        try (ChildJvm child = ChildJvm.start(temp, "pause-before-rename", gitDir.toString(), NAME, marker.toString())) {
            child.awaitFile(marker, Duration.ofSeconds(60));
            assertEquals(1, tempFiles(record.getParent()).size(), "the child has written its temp file");
            child.kill();
        }

        assertArrayEquals(before, Files.readAllBytes(record), "the record is byte for byte the old one");
        try (JsonFileStateStore store = JsonFileStateStore.open(gitDir, Duration.ofSeconds(10))) {
            assertEquals(Optional.of(original), store.load(NAME));
            assertEquals(List.of(original), store.loadAll(), "the leftover temp file is not a record");

            // The dead writer's lock went with it, and the next write removes its temp file.
            SessionRecord next = store.update(NAME, StoreFixtures::plusOneTurn);
            assertEquals(original.turns() + 1, next.turns());
            assertEquals(List.of(), tempFiles(record.getParent()));
        }
        try (JsonFileStateStore store = JsonFileStateStore.open(gitDir, Duration.ofSeconds(10))) {
            assertEquals(original.turns() + 1, store.load(NAME).orElseThrow().turns());
        }
    }

    private static List<Path> tempFiles(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
