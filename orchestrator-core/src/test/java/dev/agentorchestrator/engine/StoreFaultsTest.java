package dev.agentorchestrator.engine;

import static dev.agentorchestrator.SessionState.FAILED;
import static dev.agentorchestrator.SessionState.READY_TO_MERGE;
import static dev.agentorchestrator.SessionState.RUNNING;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.Orchestrator;
import dev.agentorchestrator.Session;
import dev.agentorchestrator.StateStoreException;
import dev.agentorchestrator.internal.store.DiskFullStore;
import dev.agentorchestrator.testing.Await;
import dev.agentorchestrator.testing.ScriptAgent;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reliability suite's faults of the state store (issue 15): its folder made read-only, and a
 * full disk. An operation that cannot store what it would change fails with a clear exception and
 * changes nothing; once the fault is gone the engine works again.
 */
class StoreFaultsTest {

    @TempDir
    Path tmp;

    @Test
    void withTheSessionsFolderReadOnlyChangesFailNamingTheFolderAndWorkOnceItIsWritable() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path sessions = f.repo.resolve(".git/agent-orchestrator/sessions");
        try (Orchestrator o = f.start(f.builder().agent(ScriptAgent.of(EngineShapeTest.FIXING_AGENT)).feature("done", "work"))) {
            assertEquals(READY_TO_MERGE, o.await("done", Duration.ofSeconds(60)).state());
            Map<String, String> refsBefore = refsAndWorktrees(f);
            Map<String, byte[]> filesBefore = contents(sessions);
            Session doneBefore = o.session("done");

            try (Unwritable fault = Unwritable.make(sessions)) {
                StateStoreException add = assertThrows(StateStoreException.class, () -> o.addFeature("more", "work"));
                assertNamesTheFolderAndTheFix(add, sessions);
                StateStoreException prompt = assertThrows(StateStoreException.class, () -> o.prompt("done", "fix"));
                assertNamesTheFolderAndTheFix(prompt, sessions);

                assertTrue(o.findSession("more").isEmpty(), "the refused feature is not a session");
                assertEquals(doneBefore, o.session("done"), "the refused prompt is not queued");
                assertEquals(refsBefore, refsAndWorktrees(f), "no branch or worktree was made");
            }
            Map<String, byte[]> filesAfter = contents(sessions);
            assertEquals(filesBefore.keySet(), filesAfter.keySet(), "no record, copy or temp file was left");
            filesBefore.forEach((file, bytes) -> assertArrayEquals(bytes, filesAfter.get(file), file));

            o.addFeature("more", "work");
            o.prompt("done", "fix");
            List<Session> all = o.awaitAll(Duration.ofSeconds(60)).sessions();
            assertEquals(List.of(READY_TO_MERGE, READY_TO_MERGE), all.stream().map(Session::state).toList(), all.toString());
            assertEquals("agent: fix", f.git("log", "-1", "--format=%s", "feature/done"));
        }
    }

    @Test
    void onAFullDiskChangesFailSayingSoAndLeaveEveryRecordWholeAndWorkOnceThereIsRoom() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        try (DiskFullStore store = DiskFullStore.open(f.repo.resolve(".git"));
             Orchestrator o = f.start(f.builder().stateStore(store).agent(ScriptAgent.of(EngineShapeTest.FIXING_AGENT))
                     .feature("done", "work"))) {
            assertEquals(READY_TO_MERGE, o.await("done", Duration.ofSeconds(60)).state());
            Path sessions = store.sessionsFolder();
            Path record = sessions.resolve("done.json");
            byte[] recordBefore = Files.readAllBytes(record);
            Map<String, String> refsBefore = refsAndWorktrees(f);

            store.full(true);
            StateStoreException add = assertThrows(StateStoreException.class, () -> o.addFeature("more", "work"));
            assertTrue(add.getMessage().contains("No space left on device") && add.getMessage().contains("disk is not full"),
                    add.getMessage());
            StateStoreException prompt = assertThrows(StateStoreException.class, () -> o.prompt("done", "fix"));
            assertTrue(prompt.getMessage().contains("No space left on device") && prompt.getMessage().contains(record.toString()),
                    prompt.getMessage());
            assertTrue(o.findSession("more").isEmpty());
            assertTrue(o.session("done").pendingPrompts().isEmpty());
            assertArrayEquals(recordBefore, Files.readAllBytes(record), "the record is whole and as it was");
            assertEquals(Set.of("done.json", "done.json.bak"), contents(sessions).keySet(), "no half-written file is left");
            assertEquals(refsBefore, refsAndWorktrees(f));

            store.full(false);
            o.addFeature("more", "work");
            o.prompt("done", "fix");
            List<Session> all = o.awaitAll(Duration.ofSeconds(60)).sessions();
            assertEquals(List.of(READY_TO_MERGE, READY_TO_MERGE), all.stream().map(Session::state).toList(), all.toString());
        }
    }

    @Test
    void aDiskThatFillsWhileAnAgentWorksEndsThatWorkAndTheSessionSaysSoOnceThereIsRoom() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path gate = tmp.resolve("gate");
        AgentPids pids = new AgentPids();
        String agent = String.join("\n",
                "echo SESSION conv-$(basename \"$PWD\")",
                "echo PID $$",
                "while [ ! -f '" + gate + "' ]; do sleep 0.05; done",
                "printf '%s\\n' \"$1\" >> work.txt; git add work.txt",
                "git -c user.name=A -c user.email=a@example.invalid commit -q -m \"agent: $1\"");
        try (DiskFullStore store = DiskFullStore.open(f.repo.resolve(".git"));
             Orchestrator o = f.start(f.builder().stateStore(store).listener(pids).agent(ScriptAgent.of(agent))
                     .feature("filling", "work"))) {
            long pid = pids.await("filling");
            Await.until("the session runs", Duration.ofSeconds(30), () -> o.session("filling").state() == RUNNING);
            Path record = store.sessionsFolder().resolve("filling.json");
            store.full(true);
            byte[] stored = Files.readAllBytes(record);
            Files.writeString(gate, "go");
            Await.until("the agent ended", Duration.ofSeconds(30), () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
            Await.until("the agent's commit", Duration.ofSeconds(30), () -> f.git("log", "-1", "--format=%s", "feature/filling")
                    .equals("agent: work"));
            assertArrayEquals(stored, Files.readAllBytes(record), "nothing half-written while the disk is full");
            assertEquals(RUNNING, o.session("filling").state(), "the last state the store took");
            assertEquals(Set.of("filling.json", "filling.json.bak"), contents(store.sessionsFolder()).keySet());

            store.full(false);
            Session failed = o.await("filling", Duration.ofSeconds(60));
            assertEquals(FAILED, failed.state(), failed.toString());
            assertEquals(Session.Work.NONE, failed.work());
            assertTrue(failed.message().contains("No space left on device") && failed.message().contains("feature/filling")
                    && failed.message().contains("prompt the session"), failed.message());

            o.prompt("filling", "go on");
            Session done = o.await("filling", Duration.ofSeconds(60));
            assertEquals(READY_TO_MERGE, done.state(), done.toString());
            assertEquals("agent: go on", f.git("log", "-1", "--format=%s", "feature/filling"));
        }
    }

    /**
     * Found by CI: the disk had room again between the refused end of a turn (and the refused
     * FAILED after it) and the worker's last write, which then ended the work with the record still
     * RUNNING, and the session never settled. The failure is now what ends it.
     */
    @Test
    void roomAgainJustAfterTheRefusedWritesStillEndsTheWorkAsFailed() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path gate = tmp.resolve("gate");
        String agent = String.join("\n",
                "echo SESSION conv-$(basename \"$PWD\")",
                "while [ ! -f '" + gate + "' ]; do sleep 0.05; done",
                "printf '%s\\n' \"$1\" >> work.txt; git add work.txt",
                "git -c user.name=A -c user.email=a@example.invalid commit -q -m \"agent: $1\"");
        try (DiskFullStore store = DiskFullStore.open(f.repo.resolve(".git"));
             Orchestrator o = f.start(f.builder().stateStore(store).agent(ScriptAgent.of(agent)).feature("brief", "work"))) {
            Await.until("the session runs", Duration.ofSeconds(30), () -> o.session("brief").state() == RUNNING
                    && o.session("brief").agentSessionId().isPresent());
            // The turn's end and the FAILED after it are refused; the worker's last write finds room.
            store.failNextWrites(2);
            Files.writeString(gate, "go");
            Session failed = o.await("brief", Duration.ofSeconds(60));
            assertEquals(FAILED, failed.state(), failed.toString());
            assertEquals(Session.Work.NONE, failed.work());
            assertTrue(failed.message().contains("No space left on device"), failed.message());
        }
    }

    private static void assertNamesTheFolderAndTheFix(StateStoreException e, Path folder) {
        assertTrue(e.getMessage().contains(folder.toString()), "names the folder: " + e.getMessage());
        assertTrue(e.getMessage().contains("writable"), "says what to fix: " + e.getMessage());
    }

    /** Branches with their commits, and the worktrees git lists. */
    private static Map<String, String> refsAndWorktrees(EngineFixture f) {
        Map<String, String> all = new TreeMap<>();
        all.put("refs", f.git("for-each-ref", "--format=%(refname) %(objectname)"));
        all.put("worktrees", f.git("worktree", "list", "--porcelain"));
        return all;
    }

    /** The files of a folder and their bytes. */
    private static Map<String, byte[]> contents(Path folder) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path p : list.toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    /**
     * A folder that refuses writes. {@code chmod a-w} does that for an ordinary user; for root
     * (tests often run as root in containers) permissions do not bind, which a probe write shows,
     * and the folder is then moved aside and a plain file takes its name, so that every write (and
     * read) below it fails as it would on a file system that refuses them.
     */
    private static final class Unwritable implements AutoCloseable {
        private final Path folder;
        private final Set<PosixFilePermission> permissions;
        private final Path aside;

        private Unwritable(Path folder, Set<PosixFilePermission> permissions, Path aside) {
            this.folder = folder;
            this.permissions = permissions;
            this.aside = aside;
        }

        static Unwritable make(Path folder) throws IOException {
            Set<PosixFilePermission> before = Files.getPosixFilePermissions(folder);
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
            Path probe = folder.resolve(".write-probe");
            try {
                Files.createFile(probe);
            } catch (AccessDeniedException refused) {
                return new Unwritable(folder, before, null);
            }
            Files.delete(probe);
            Files.setPosixFilePermissions(folder, before);
            Path aside = folder.resolveSibling(folder.getFileName() + ".aside");
            Files.move(folder, aside);
            Files.writeString(folder, "not a folder: the read-only fault of StoreFaultsTest");
            return new Unwritable(folder, before, aside);
        }

        @Override
        public void close() throws IOException {
            if (aside == null) {
                Files.setPosixFilePermissions(folder, permissions);
            } else {
                Files.delete(folder);
                Files.move(aside, folder);
            }
        }
    }
}
