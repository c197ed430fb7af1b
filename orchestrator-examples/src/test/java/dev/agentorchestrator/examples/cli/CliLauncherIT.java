package dev.agentorchestrator.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.WorktreeSetup;
import dev.agentorchestrator.spi.SessionRecord;
import dev.agentorchestrator.spi.StateStore;
import dev.agentorchestrator.store.StateStores;
import dev.agentorchestrator.testing.TestRepos;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script (bin/agent-orchestrator) and what a quick command loads: the class-data
 * sharing archive is written on the first run and used by the next, a bad archive costs nothing
 * but speed, and {@code status} loads neither picocli nor Jackson nor JGit nor the engine, nor the
 * regular expressions and date formatters that a quick command has no need of.
 */
class CliLauncherIT {

    private static final Path LAUNCHER = Path.of("bin", "agent-orchestrator").toAbsolutePath();

    @TempDir
    Path tmp;
    private Path repo;
    private Path cache;

    @BeforeEach
    void repositoryWithSessions() {
        repo = TestRepos.withCommit(tmp.resolve("repo"));
        cache = tmp.resolve("cache");
        try (StateStore store = StateStores.jsonFiles(repo.resolve(".git"))) {
            for (int i = 0; i < 3; i++) {
                store.create(SessionRecord.queued("feature-" + i, "Task", "main", "feature/feature-" + i, List.of(), "claude-code",
                        java.util.Map.of(), WorktreeSetup.NONE, Instant.now()));
            }
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private Run launch(List<String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("env", "XDG_CACHE_HOME=" + cache, "AGENT_ORCHESTRATOR_JAR=" + Cli.jar(),
                "JAVA_HOME=" + System.getProperty("java.home")));
        command.addAll(environment);
        command.add("bash");
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = new ProcessBuilder(command).directory(repo.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the launcher did not finish");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private List<Path> archives() throws IOException {
        if (!Files.isDirectory(cache.resolve("agent-orchestrator"))) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(cache.resolve("agent-orchestrator"))) {
            return files.filter(f -> f.toString().endsWith(".jsa")).toList();
        }
    }

    @Test
    void theFirstRunWritesTheArchiveAndTheNextStartsFromIt() throws Exception {
        Run first = launch(List.of(), "list", "-q");
        assertEquals(0, first.exit(), first.err());
        assertEquals("feature-0\nfeature-1\nfeature-2\n", first.out());
        assertEquals(1, archives().size(), "one archive for this jar and JDK");

        Path classes = tmp.resolve("classes.txt");
        Run second = launch(List.of("AGENT_ORCHESTRATOR_JAVA_OPTS=-Xlog:class+load:file=" + classes), "status", "--json");
        assertEquals(0, second.exit(), second.err());
        assertEquals(3, Cli.JSON.readTree(second.out()).path("sessions").size());
        List<String> loaded = Files.readAllLines(classes, StandardCharsets.UTF_8);
        assertTrue(loaded.stream().anyMatch(l -> l.contains(QuickCommands.class.getName() + " source: shared objects file")),
                "the command's own classes come from the archive");
    }

    @Test
    void aQuickStatusLoadsNoPicocliJacksonJGitOrEngine() throws Exception {
        Path classes = tmp.resolve("classes.txt");
        Run r = launch(List.of("AGENT_ORCHESTRATOR_CDS=off", "AGENT_ORCHESTRATOR_JAVA_OPTS=-Xlog:class+load:file=" + classes), "status");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("feature-2"), r.out());
        List<String> loaded = Files.readAllLines(classes, StandardCharsets.UTF_8);
        assertTrue(loaded.stream().anyMatch(l -> l.contains(StoredSessions.class.getName())), "the log is the command's");
        for (String heavy : List.of(" picocli.", " com.fasterxml.jackson.", " org.eclipse.jgit.", " io.github.resilience4j.",
                " dev.agentorchestrator.internal.", " java.net.http.", " java.util.regex.", " java.time.format.")) {
            assertFalse(loaded.stream().anyMatch(l -> l.contains(heavy)), heavy.strip() + " was loaded:\n"
                    + String.join("\n", loaded.stream().filter(l -> l.contains(heavy)).limit(5).toList()));
        }
        assertEquals(List.of(), archives(), "AGENT_ORCHESTRATOR_CDS=off writes no archive");
    }

    @Test
    void anArchiveTheJvmRefusesOnlyCostsSpeed() throws Exception {
        assertEquals(0, launch(List.of(), "list").exit());
        Path archive = archives().get(0);
        archive.toFile().setWritable(true);
        Files.writeString(archive, "not an archive");
        Files.setLastModifiedTime(archive, FileTime.from(Instant.now().plusSeconds(60)));
        Run r = launch(List.of(), "status", "--json");
        assertEquals(0, r.exit(), r.err());
        assertEquals(3, Cli.JSON.readTree(r.out()).path("sessions").size(), "nothing but the JSON on standard output:\n" + r.out());
        assertEquals("", r.err());
    }
}
