package dev.agentorchestrator.internal.store;

import static dev.agentorchestrator.internal.store.StoreFixtures.everyField;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.StateStoreCorruptedException;
import dev.agentorchestrator.StateStoreException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A damaged record is reported with its file and the fix, and never written over. */
class StoreCorruptionTest {

    private static final String NAME = "auth/api";

    @TempDir
    Path gitDir;

    static Stream<Arguments> damages() {
        return Stream.of(
                damage("empty", good -> "", "the file is empty"),
                damage("white space", good -> "  \n", "only white space"),
                damage("truncated", good -> good.substring(0, good.length() / 2), "line "),
                damage("not JSON", good -> "hello, world", "not complete, valid JSON"),
                damage("trailing garbage", good -> good + "}", "not complete, valid JSON"),
                damage("array", good -> "[1, 2]", "not an object"),
                damage("no schema", good -> good.replace("\"schemaVersion\" : 2", "\"schema\" : 2"),
                        "'schemaVersion' is missing"),
                damage("missing field", good -> good.replaceFirst("\"state\" : \"[A-Z_]+\",", ""),
                        "'session.state' is missing"),
                damage("wrong type", good -> good.replaceFirst("\"turns\" : \\d+", "\"turns\" : \"many\""),
                        "'session.turns' should be an integer"),
                damage("unknown state", good -> good.replaceFirst("\"state\" : \"[A-Z_]+\"", "\"state\" : \"NAPPING\""),
                        "'NAPPING', which is not one of"),
                damage("bad instant", good -> good.replaceFirst("\"createdAt\" : \"[^\"]+\"", "\"createdAt\" : \"yesterday\""),
                        "not an ISO-8601 instant"),
                damage("rule broken", good -> good.replaceFirst("\"turns\" : \\d+", "\"turns\" : -3"),
                        "turns must not be negative"),
                damage("someone else's record", good -> good.replace("\"name\" : \"auth/api\"", "\"name\" : \"other\""),
                        "copied or renamed by hand"));
    }

    private static Arguments damage(String label, UnaryOperator<String> damage, String problem) {
        return Arguments.of(label, damage, problem);
    }

    private JsonFileStateStore open() {
        return JsonFileStateStore.open(gitDir, Duration.ofSeconds(10));
    }

    private Path record() {
        return gitDir.resolve("agent-orchestrator/sessions/auth%2Fapi.json");
    }

    private Path backup() {
        return gitDir.resolve("agent-orchestrator/sessions/auth%2Fapi.json.bak");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damages")
    void aDamagedRecordIsReportedAndLeftAlone(String label, UnaryOperator<String> damage, String problem)
            throws Exception {
        SessionRecord first = everyField(NAME);
        try (JsonFileStateStore store = open()) {
            store.create(first);
            store.update(NAME, StoreFixtures::plusOneTurn);
        }
        byte[] lastGood = Files.readAllBytes(backup());
        String good = Files.readString(record());
        Files.writeString(record(), damage.apply(good), StandardCharsets.UTF_8);
        byte[] damaged = Files.readAllBytes(record());

        try (JsonFileStateStore store = open()) {
            assertReported(problem, () -> store.load(NAME));
            assertReported(problem, store::loadAll);
            assertReported(problem, () -> store.update(NAME, StoreFixtures::plusOneTurn));
            StateStoreException create = assertThrows(StateStoreException.class, () -> store.create(first));
            assertTrue(create.getMessage().contains("already stored"), create.getMessage());
        }
        assertArrayEquals(damaged, Files.readAllBytes(record()), "the damaged file is unchanged");
        assertArrayEquals(lastGood, Files.readAllBytes(backup()), "the last good copy is unchanged");
        try (Stream<Path> files = Files.list(record().getParent())) {
            assertEquals(2, files.count(), "no temp file was left");
        }

        // The advice works: restoring the copy brings the session back as it was before its last change.
        Files.move(backup(), record(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (JsonFileStateStore store = open()) {
            assertEquals(Optional.of(first), store.load(NAME));
        }
    }

    private void assertReported(String problem, Executable action) {
        StateStoreCorruptedException e = assertThrows(StateStoreCorruptedException.class, action);
        assertEquals(record(), e.file());
        assertTrue(e.getMessage().contains(record().toString()), e.getMessage());
        assertTrue(e.getMessage().contains(problem), "expected '" + problem + "' in: " + e.getMessage());
        assertTrue(e.getMessage().contains("will not write over it"), e.getMessage());
        assertTrue(e.getMessage().contains("The last good copy is " + backup()), e.getMessage());
    }

    @Test
    void aTruncatedRecordIsReportedWithJacksonsLocation() throws Exception {
        try (JsonFileStateStore store = open()) {
            store.create(everyField(NAME));
        }
        String good = Files.readString(record());
        Files.writeString(record(), good.substring(0, good.indexOf("\"turns\"") + 5));
        try (JsonFileStateStore store = open()) {
            StateStoreCorruptedException e = assertThrows(StateStoreCorruptedException.class, () -> store.load(NAME));
            assertTrue(e.getMessage().matches("(?s).*at line \\d+, column \\d+.*"), e.getMessage());
            assertTrue(e.getMessage().contains("There is no earlier copy"), e.getMessage());
            assertFalse(Files.exists(backup()));
        }
    }

    @Test
    void aRecordFromANewerVersionSaysUpgradeAndNotRestore() throws Exception {
        try (JsonFileStateStore store = open()) {
            store.create(everyField(NAME));
            store.update(NAME, StoreFixtures::plusOneTurn);
        }
        String newer = Files.readString(record()).replace("\"schemaVersion\" : 2", "\"schemaVersion\" : 3")
                .replace("\"turns\"", "\"someNewField\" : [1], \"turns\"");
        Files.writeString(record(), newer);
        try (JsonFileStateStore store = open()) {
            StateStoreCorruptedException e = assertThrows(StateStoreCorruptedException.class,
                    () -> store.update(NAME, StoreFixtures::plusOneTurn));
            assertEquals(record(), e.file());
            assertTrue(e.getMessage().contains("written by a newer version of agent-orchestrator (schema 3;"
                    + " this version reads up to 2)"), e.getMessage());
            assertTrue(e.getMessage().contains("Upgrade agent-orchestrator"), e.getMessage());
            assertFalse(e.getMessage().contains(".bak"), "must not advise restoring an older copy: " + e.getMessage());
        }
        assertEquals(newer, Files.readString(record()));
    }

    @Test
    void unknownFieldsOfTheSameSchemaAreIgnored() throws Exception {
        try (JsonFileStateStore store = open()) {
            store.create(everyField(NAME));
        }
        Files.writeString(record(), Files.readString(record()).replace("\"turns\"", "\"addedLater\" : true, \"turns\""));
        try (JsonFileStateStore store = open()) {
            assertEquals(Optional.of(everyField(NAME)), store.load(NAME));
        }
    }

    @Test
    void oneDamagedRecordMakesLoadAllFailNamingIt() throws Exception {
        try (JsonFileStateStore store = open()) {
            store.create(everyField(NAME));
            store.create(everyField("healthy"));
        }
        byte[] bytes = Files.readAllBytes(record());
        Files.write(record(), Arrays.copyOf(bytes, 10));
        try (JsonFileStateStore store = open()) {
            StateStoreCorruptedException e = assertThrows(StateStoreCorruptedException.class, store::loadAll);
            assertEquals(record(), e.file());
            assertEquals(Optional.of(everyField("healthy")), store.load("healthy"), "other records still load");
            store.update("healthy", StoreFixtures::plusOneTurn);
        }
    }
}
