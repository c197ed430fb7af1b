package dev.agentorchestrator.examples.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What the launcher script runs once, with {@code -XX:DumpLoadedClassList}, to list the classes of
 * the class-data-sharing archive that later commands start from ({@code java -cp the.jar
 * ...CliEntry --cds-training}, then {@code java -Xshare:dump} of the list): it loads
 * the classes the quick commands need, on a record made up here, and picocli's model of every
 * command with its help, so that the archive holds the same classes whichever command a person
 * happens to run first. It works in a temporary folder that it deletes.
 */
final class CdsTraining {

    /** The argument that runs it instead of a command; not a command, so not in the help. */
    static final String ARGUMENT = "--cds-training";

    private static final String RECORD = """
            {"schemaVersion": 2, "session": {"name": "training", "revision": 3, "prompt": "Train", "baseBranch": "main",
             "branch": "feature/training", "worktree": "/tmp/training", "dependsOn": ["other"], "agent": "claude-code",
             "agentSettings": {"model": "m"}, "setup": {"copyFiles": [], "command": [], "timeout": "PT10M"}, "setupDone": true,
             "state": "READY_TO_MERGE", "message": "CI passed", "work": "NONE", "halt": "NONE", "agentSessionId": "c",
             "agentHandle": null, "progress": {"completed": 1, "total": 2, "currentTask": "t"}, "costUsd": 0.25, "turns": 2,
             "lastCi": {"status": "FAILED", "commit": "abc", "passed": 1, "failed": 1, "errored": 0, "skipped": 0,
              "duration": "PT1.5S", "finishedAt": "2025-01-01T00:00:00Z", "summary": "s",
              "failures": [{"name": "n", "className": "c", "kind": "FAILED", "message": "m", "detail": "d"}],
              "notes": [], "outputTail": "", "logFile": null},
             "pendingPrompts": ["p"], "attention": "a", "reactionAttempts": 0, "ciRequested": false,
             "createdAt": "2025-01-01T00:00:00Z", "updatedAt": "2025-01-01T00:00:00Z", "lastActivityAt": "2025-01-01T00:00:00Z"}}
            """;

    private CdsTraining() {
    }

    static void run() throws IOException {
        // The quick commands as a person runs them, on a throwaway repository holding one record.
        Path repo = Files.createTempDirectory("agent-orchestrator-cds");
        try {
            Path sessions = Files.createDirectories(repo.resolve(".git/agent-orchestrator/sessions"));
            Files.writeString(sessions.resolve("training.json"), RECORD, StandardCharsets.UTF_8);
            PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
            for (String[] args : new String[][] {{"status"}, {"status", "--json"}, {"list"}}) {
                if (QuickCommands.run(args, repo, nowhere, nowhere) != ExitCodes.OK) {
                    throw new IllegalStateException("the training record no longer matches the quick reader");
                }
            }
            // And as with an engine running (this process stands in for it): status reads the file the engine keeps.
            Path engine = Files.createDirectories(repo.resolve(".git/agent-orchestrator/engine"));
            long pid = ProcessHandle.current().pid();
            Files.writeString(engine.resolve("engine.json"), "{\"pid\": " + pid + ", \"port\": 1}", StandardCharsets.UTF_8);
            Files.writeString(engine.resolve("coordination.json"), "{\"pid\": " + pid + ", \"overlaps\": [{\"sessions\": [\"a\", \"b\"],"
                    + " \"files\": [\"f\"]}], \"forecast\": {\"names\": [], \"heads\": {}, \"pairs\": [], \"againstBase\": [],"
                    + " \"conflicts\": []}, \"text\": \"overlap: a & b: f\\n\"}", StandardCharsets.UTF_8);
            for (String[] args : new String[][] {{"status"}, {"status", "--json"}}) {
                if (QuickCommands.run(args, repo, nowhere, nowhere) != ExitCodes.OK) {
                    throw new IllegalStateException("the training coordination file no longer matches the quick reader");
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(repo)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        // The full command line's model of every command, and its help, for the other commands.
        Main.commandLine().usage(new PrintWriter(OutputStream.nullOutputStream()));
    }
}
