package dev.agentorchestrator.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.spi.SessionLog;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transcripts: whole lines from any number of processes, and a cheap tail. */
class FileSessionLogTest {

    @TempDir
    Path temp;

    private JsonFileStateStore open(Path gitDir) {
        return JsonFileStateStore.open(gitDir, Duration.ofSeconds(10));
    }

    @Test
    void tailReturnsTheLastLinesOldestFirst() {
        try (JsonFileStateStore store = open(temp)) {
            SessionLog log = store.log("ui/Écran");
            assertEquals(List.of(), log.tail(5), "no file yet");
            for (int i = 1; i <= 10; i++) {
                log.append("line " + i + " — ü");
            }
            log.append("");
            assertEquals(List.of("line 9 — ü", "line 10 — ü", ""), log.tail(3));
            assertEquals(11, log.tail(100).size());
            assertEquals("line 1 — ü", log.tail(100).get(0));
            assertEquals(List.of(), log.tail(0));
            assertThrows(dev.agentorchestrator.ConfigurationException.class, () -> log.tail(-1));
            assertEquals(Optional.of(temp.resolve("agent-orchestrator/logs/ui%2F%C3%89cran.log")), log.file());
        }
    }

    @Test
    void tailAgreesWithReadingTheWholeFileAcrossBlockBoundaries() throws Exception {
        try (JsonFileStateStore store = open(temp)) {
            SessionLog log = store.log("blocks");
            Random random = new Random(42);
            List<String> all = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String line = i + ":" + "é".repeat(random.nextInt(random.nextBoolean() ? 30 : 9000));
                all.add(line);
                log.append(line);
            }
            for (int n : new int[] {1, 2, 3, 7, 50, 399, 400, 401}) {
                assertEquals(all.subList(Math.max(0, all.size() - n), all.size()), log.tail(n), "tail(" + n + ")");
            }
            assertEquals(all, Files.readAllLines(log.file().orElseThrow()));
        }
    }

    @Test
    void aLastLineWithoutNewlineIsStillALine() throws Exception {
        try (JsonFileStateStore store = open(temp)) {
            SessionLog log = store.log("partial");
            log.append("whole");
            Files.writeString(log.file().orElseThrow(), "cut", StandardOpenOption.APPEND);
            assertEquals(List.of("whole", "cut"), log.tail(5));
        }
    }

    @Test
    void linesAppendedByTwoProcessesNeverInterleave() throws Exception {
        Path gitDir = Files.createDirectories(temp.resolve("git"));
        int lines = 300;
        Path go = temp.resolve("go");
        List<ChildJvm> children = new ArrayList<>();
        try {
            for (String tag : List.of("alpha", "beta")) {
                children.add(ChildJvm.start(temp, "append-log", gitDir.toString(), "shared/log", String.valueOf(lines),
                        tag, temp.resolve("ready-" + tag).toString(), go.toString()));
            }
            children.get(0).awaitFile(temp.resolve("ready-alpha"), Duration.ofSeconds(60));
            children.get(1).awaitFile(temp.resolve("ready-beta"), Duration.ofSeconds(60));
            Files.createFile(go);
            for (ChildJvm child : children) {
                child.awaitSuccess(Duration.ofSeconds(120));
            }
        } finally {
            children.forEach(ChildJvm::close);
        }
        try (JsonFileStateStore store = open(gitDir)) {
            List<String> written = Files.readAllLines(store.log("shared/log").file().orElseThrow());
            assertEquals(2 * lines, written.size());
            Map<String, Integer> next = new HashMap<>(Map.of("alpha", 0, "beta", 0));
            for (String line : written) {
                String[] parsed = SessionLogLines.parse(line);
                assertNotNull(parsed, "a mixed or cut line: " + line.substring(0, Math.min(80, line.length())));
                assertEquals(next.get(parsed[0]), Integer.parseInt(parsed[1]), "lines of one process stay in order");
                next.put(parsed[0], next.get(parsed[0]) + 1);
            }
        }
    }

    @Test
    void tailOfAHundredMegabyteLogReadsOnlyItsEnd() throws Exception {
        try (JsonFileStateStore store = open(temp)) {
            SessionLog log = store.log("big");
            Path file = log.file().orElseThrow();
            byte[] block = "a line of transcript that repeats and repeats, nothing to see here ...\n".repeat(14_000)
                    .getBytes(StandardCharsets.UTF_8);
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                while (out.size() < 100L * 1024 * 1024) {
                    out.write(ByteBuffer.wrap(block));
                }
            }
            log.append("the end");
            log.tail(20);
            long start = System.nanoTime();
            List<String> tail = log.tail(20);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals("the end", tail.get(19));
            assertEquals(20, tail.size());
            System.out.println("tail(20) of a " + Files.size(file) / (1024 * 1024) + " MiB log took " + millis + " ms");
            // Reading 100 MiB and splitting it into lines takes far longer than this on any machine.
            assertTrue(millis < 100, "tail took " + millis + " ms");
        }
    }
}
