package dev.agentorchestrator.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command tree itself: every subcommand answers --help with exit 0 and its usage. */
class MainTest {

    @Test
    void everySubcommandHasHelp() {
        CommandLine root = Main.commandLine();
        assertTrue(root.getSubcommands().size() >= 19, root.getSubcommands().keySet().toString());
        for (String name : root.getSubcommands().keySet()) {
            if (name.equals("help")) {
                continue;
            }
            CommandLine cl = Main.commandLine();
            StringWriter out = new StringWriter();
            cl.setOut(new PrintWriter(out));
            assertEquals(0, cl.execute(name, "--help"), name);
            String usage = out.toString();
            String canonical = root.getSubcommands().get(name).getCommandName();
            assertTrue(usage.startsWith("Usage: agent-orchestrator " + canonical), name + ":\n" + usage);
        }
    }

    @Test
    void exceptionsMapToTheDocumentedExitCodes() {
        assertEquals(ExitCodes.NOT_FOUND, Main.exitCodeOf(new CliException(ExitCodes.NOT_FOUND, "x")));
        assertEquals(ExitCodes.NOT_FOUND, Main.exitCodeOf(new dev.agentorchestrator.UnknownSessionException("x", java.util.List.of())));
        assertEquals(ExitCodes.FAILURE, Main.exitCodeOf(new IllegalStateException("x")));
    }
}
