package dev.agentorchestrator.internal.store;

import static dev.agentorchestrator.internal.store.StoreFixtures.everyField;
import static dev.agentorchestrator.internal.store.StoreFixtures.optionalsEmpty;
import static dev.agentorchestrator.internal.store.StoreFixtures.queued;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentorchestrator.InvalidFeatureNameException;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.StateStoreException;
import dev.agentorchestrator.UnknownSessionException;
import dev.agentorchestrator.spi.StateStore;
import dev.agentorchestrator.store.StateStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Storing, reading, changing and deleting records, and the JSON they are stored as. */
class JsonFileStateStoreTest {

    private static final String ODD_NAME = "ui/Écran-café";

    @TempDir
    Path gitDir;

    private JsonFileStateStore open() {
        return JsonFileStateStore.open(gitDir, Duration.ofSeconds(10));
    }

    private Path recordOf(String name) {
        return gitDir.resolve("agent-orchestrator/sessions/" + StoreFileNames.encode(name) + ".json");
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() {
        SessionRecord full = everyField(ODD_NAME);
        SessionRecord empty = optionalsEmpty("auth-api");
        try (JsonFileStateStore store = open()) {
            store.create(full);
            store.create(empty);
            assertEquals(Optional.of(full), store.load(ODD_NAME));
            assertEquals(Optional.of(empty), store.load("auth-api"));
        }
        try (JsonFileStateStore store = open()) {
            assertEquals(List.of(full, empty), store.loadAll());
        }
        assertTrue(Files.isRegularFile(gitDir.resolve("agent-orchestrator/sessions/ui%2F%C3%89cran-caf%C3%A9.json")));
    }

    @Test
    void theFileCarriesItsSchemaVersionAndIsoTimestamps() throws Exception {
        try (JsonFileStateStore store = open()) {
            store.create(everyField(ODD_NAME));
            store.create(optionalsEmpty("auth-api"));
        }
        JsonNode full = new ObjectMapper().readTree(recordOf(ODD_NAME).toFile());
        assertEquals(2, full.get("schemaVersion").intValue());
        JsonNode s = full.get("session");
        assertEquals(ODD_NAME, s.get("name").textValue());
        assertEquals("2025-03-01T10:15:30.123456789Z", s.get("createdAt").textValue());
        assertEquals(1, s.get("revision").longValue(), "a new record has revision 1");
        assertEquals("PT1M33.25S", s.get("lastCi").get("duration").textValue());
        assertEquals("WAITING_FOR_INPUT", s.get("state").textValue());
        assertTrue(s.get("agentHandle").textValue().startsWith("local:424242:"));
        assertEquals("RUNNING", s.get("work").textValue());
        assertEquals("STOP", s.get("halt").textValue());
        assertEquals("opus", s.get("agentSettings").get("model").textValue());
        assertEquals("npm", s.get("setup").get("command").get(0).textValue());

        JsonNode empty = new ObjectMapper().readTree(recordOf("auth-api").toFile()).get("session");
        for (String optional : List.of("worktree", "agentSessionId", "agentHandle", "lastCi")) {
            assertTrue(empty.get(optional).isNull(), optional + " is written as null");
        }
        String text = Files.readString(recordOf("auth-api"));
        assertTrue(text.contains("\n  \"session\" : {"), "indented for a person:\n" + text);
        assertFalse(text.matches("(?s).*\"(createdAt|updatedAt|lastActivityAt)\" : \\d.*"), "no numeric timestamps");
    }

    @Test
    void everyWrittenChangeRaisesTheRevisionByOneAndANoChangeWritesNothing() {
        try (JsonFileStateStore store = open()) {
            store.create(optionalsEmpty("auth-api"));
            assertEquals(1, store.load("auth-api").orElseThrow().revision());
            assertEquals(2, store.update("auth-api", StoreFixtures::plusOneTurn).revision());
            assertEquals(3, store.update("auth-api", r -> r.toBuilder().revision(99).turns(7).build()).revision(),
                    "the store, not the caller, sets the revision");
            assertEquals(3, store.update("auth-api", r -> r.toBuilder().updatedAt(r.updatedAt().plusSeconds(5)).build())
                    .revision(), "a change of nothing but updatedAt is not written");
        }
    }

    @Test
    void aSchemaOneRecordIsReadWithItsPidAsAHandle() throws Exception {
        Path file = recordOf("old");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                {"schemaVersion":1,"session":{"name":"old","prompt":"p","baseBranch":"main","branch":"feature/old",
                "worktree":null,"dependsOn":[],"agent":"claude-code","state":"RUNNING","message":"","agentSessionId":"c",
                "agentPid":77,"agentStartedAt":"2025-03-01T10:15:30Z","progress":{"completed":0,"total":0,"currentTask":""},
                "costUsd":0.0,"turns":0,"lastCi":null,"pendingPrompts":[],"createdAt":"2025-03-01T10:15:30Z",
                "updatedAt":"2025-03-01T10:15:30Z","lastActivityAt":"2025-03-01T10:15:30Z"}}
                """);
        try (JsonFileStateStore store = open()) {
            var old = store.load("old").orElseThrow();
            assertEquals("local:77:" + java.time.Instant.parse("2025-03-01T10:15:30Z").toEpochMilli(), old.agentHandle().orElseThrow());
            assertEquals(dev.agentorchestrator.Session.Work.RUNNING, old.work(), "a running schema-1 session is taken over at start");
            assertEquals(1, old.revision());
        }
    }

    @Test
    void createRefusesANameThatIsAlreadyStored() throws Exception {
        try (JsonFileStateStore store = open()) {
            store.create(queued("auth-api", 0));
            byte[] before = Files.readAllBytes(recordOf("auth-api"));
            StateStoreException e = assertThrows(StateStoreException.class,
                    () -> store.create(everyField("auth-api")));
            assertTrue(e.getMessage().contains("'auth-api' is already stored"), e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(recordOf("auth-api")));
        }
    }

    @Test
    void createRefusesAnInvalidFeatureName() {
        try (JsonFileStateStore store = open()) {
            assertThrows(InvalidFeatureNameException.class, () -> store.create(queued("bad name", 0)));
        }
    }

    @Test
    void updateStoresTheChangeAndKeepsThePreviousRecordAsBackup() throws Exception {
        try (JsonFileStateStore store = open()) {
            store.create(queued("auth-api", 0));
            byte[] first = Files.readAllBytes(recordOf("auth-api"));
            SessionRecord changed = store.update("auth-api", s -> s.toBuilder().state(SessionState.CREATING_WORKTREE).build());
            assertEquals(SessionState.CREATING_WORKTREE, changed.state());
            assertEquals(Optional.of(changed), store.load("auth-api"));
            Path backup = recordOf("auth-api").resolveSibling("auth-api.json.bak");
            assertArrayEquals(first, Files.readAllBytes(backup));

            byte[] second = Files.readAllBytes(recordOf("auth-api"));
            store.update("auth-api", s -> s.toBuilder().state(SessionState.RUNNING).build());
            assertArrayEquals(second, Files.readAllBytes(backup));
        }
    }

    @Test
    void anUpdateThatChangesNothingWritesNothing() throws Exception {
        try (JsonFileStateStore store = open()) {
            store.create(queued("auth-api", 0));
            SessionRecord same = store.update("auth-api", s -> s);
            assertEquals(queued("auth-api", 0), same);
            assertFalse(Files.exists(recordOf("auth-api").resolveSibling("auth-api.json.bak")));
        }
    }

    @Test
    void updateOfAnUnknownSessionNamesTheKnownOnes() {
        try (JsonFileStateStore store = open()) {
            store.create(queued("auth-api", 0));
            UnknownSessionException e = assertThrows(UnknownSessionException.class,
                    () -> store.update("dashboard", s -> s));
            assertEquals("dashboard", e.name());
            assertTrue(e.getMessage().contains("auth-api"), e.getMessage());
        }
    }

    @Test
    void updateCannotRenameASession() {
        try (JsonFileStateStore store = open()) {
            store.create(queued("auth-api", 0));
            assertThrows(dev.agentorchestrator.StateStoreException.class, () -> store.update("auth-api", s -> queued("other", 0)));
            assertEquals(Optional.of(queued("auth-api", 0)), store.load("auth-api"));
        }
    }

    @Test
    void deleteRemovesRecordBackupAndTranscript() {
        try (JsonFileStateStore store = open()) {
            store.create(queued(ODD_NAME, 0));
            store.update(ODD_NAME, StoreFixtures::plusOneTurn);
            store.log(ODD_NAME).append("hello");
            store.delete(ODD_NAME);
            store.delete("never-stored");
            assertEquals(Optional.empty(), store.load(ODD_NAME));
            assertEquals(List.of(), store.log(ODD_NAME).tail(10));
            assertEquals(List.of("logs", "sessions", "store.lock"), listing(gitDir.resolve("agent-orchestrator")));
            assertEquals(List.of(), listing(gitDir.resolve("agent-orchestrator/sessions")));
            assertEquals(List.of(), listing(gitDir.resolve("agent-orchestrator/logs")));
        }
    }

    @Test
    void aClosedStoreRefusesWork() {
        JsonFileStateStore store = open();
        store.close();
        store.close();
        dev.agentorchestrator.StateStoreException e = assertThrows(dev.agentorchestrator.StateStoreException.class, store::loadAll);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void openingAFolderThatIsNotThereSaysWhatToPass() {
        StateStoreException e = assertThrows(StateStoreException.class,
                () -> StateStores.jsonFiles(gitDir.resolve("missing")));
        assertTrue(e.getMessage().contains("git rev-parse --git-common-dir"), e.getMessage());
    }

    @Test
    void serviceLoaderFindsTheJsonFileProvider() {
        List<StateStore.Provider> providers = ServiceLoader.load(StateStore.Provider.class).stream()
                .map(ServiceLoader.Provider::get).collect(Collectors.toList());
        StateStore.Provider jsonFiles = providers.stream().filter(p -> p.name().equals("json-files")).findFirst()
                .orElseThrow(() -> new AssertionError("json-files provider not registered: " + providers));
        assertEquals(0, jsonFiles.priority());
        try (StateStore store = jsonFiles.open(gitDir)) {
            store.create(queued("auth-api", 0));
            assertEquals(1, store.loadAll().size());
        }
    }

    static List<String> listing(Path folder) {
        try (var files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
