package dev.agentorchestrator.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentorchestrator.testing.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JShell script (src/main/jshell/demo.jsh) run by the documented command, a real
 * {@code jshell} with the runnable jar on its class path: every step runs, none is rejected, and
 * the repository ends with the first feature merged and the second refused for its conflict.
 */
class JShellScriptIT {

    private static final Path SCRIPT = Path.of("src", "main", "jshell", "demo.jsh").toAbsolutePath();

    @TempDir
    Path tmp;

    @Test
    void theScriptDrivesTheApiStepByStepToTheMergeQueue() throws Exception {
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        Path out = tmp.resolve("out.txt");
        Process p = new ProcessBuilder(List.of(jshell.toString(), "--class-path", Cli.jar().toString(), "-R-Ddemo.stepMillis=20",
                "-R-Ddemo.dir=" + tmp.resolve("demo"), SCRIPT.toString()))
                .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        p.getOutputStream().close();
        boolean ended = p.waitFor(6, TimeUnit.MINUTES);
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String output = Files.readString(out);
        assertTrue(ended, "jshell did not finish:\n" + output);
        assertEquals(0, p.exitValue(), output);
        // jshell goes on after a rejected or failing statement, saying "Error:" or "Exception" at the start of a line.
        assertFalse(output.lines().anyMatch(l -> l.matches("^(\\|  )?(Error:|Exception|.*Exception:).*")),
                "a step was rejected or threw:\n" + output);
        for (String step : List.of("1. repository: ", "2. Orchestrator[", "OVERLAP with [dashboard-ui]", "5. Session[auth-api READY_TO_MERGE",
                "7. Session[auth-api READY_TO_MERGE", "8. auth-api: MERGED", "8. dashboard-ui: CONFLICT", "9. done")) {
            assertTrue(output.contains(step), "'" + step + "' in:\n" + output);
        }
        String main = TestRepos.git(tmp.resolve("demo/shop"), "log", "--oneline", "main");
        assertTrue(main.lines().count() >= 2, "main moved by the merge:\n" + main);
    }
}
