package dev.agentorchestrator.examples.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RepairCommandsTest {

    @Test
    void theLibrarysJavaAdviceBecomesTheCommandToRun() {
        assertEquals("run 'agent-orchestrator repair ui/x' to make 'feature/y' the session's branch",
                RepairCommands.forCli("call repair(\"ui/x\") to make 'feature/y' the session's branch"));
        assertEquals("remove the session with 'agent-orchestrator remove a$1 --force'",
                RepairCommands.forCli("remove the session with RemoveRequest.of(\"a$1\").force()"));
        assertEquals("run 'git switch main' first", RepairCommands.forCli("run 'git switch main' first"));
    }
}
