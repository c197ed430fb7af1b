package dev.agentorchestrator.examples.cli.commands;

import dev.agentorchestrator.MergeResult;
import dev.agentorchestrator.examples.QuickStart;
import dev.agentorchestrator.examples.cli.ExitCodes;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The offline demo: the same scenario as {@link QuickStart} (one code path for both, so the
 * README's first command shows what the quick start's test checks): a throwaway repository with
 * a real test, the scripted demo agent (a real child process that edits and commits), four
 * features two at a time, a red CI run sent back to its agent and fixed, an overlap and a
 * forecast conflict, a question answered, and the merge queue merging three and refusing one.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the whole product offline on a throwaway repository with the scripted demo agent: four features,"
                + " two at a time, each state change printed as it happens; a red CI run fixed by a reaction; an overlap"
                + " warning and a forecast conflict; the merge queue merging three and refusing the conflicting one."
                + " Needs no network and no agent CLI; about half a minute.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR", description = "where to make the demo repository (default: a new temporary folder)")
    Path dir;
    @Option(names = "--step-millis", paramLabel = "MS", defaultValue = "300",
            description = "the demo agent's pause between its steps (default ${DEFAULT-VALUE})")
    long stepMillis;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (stepMillis < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--step-millis must not be negative, was " + stepMillis);
        }
        Path root = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("agent-orchestrator-demo");
        PrintWriter writer = spec.commandLine().getOut();
        writer.flush();
        // QuickStart prints to a stream: this process's standard output, which the command's writer also writes to.
        PrintStream out = System.out;
        QuickStart.Run run = QuickStart.run(root, Duration.ofMillis(stepMillis), out);
        out.flush();
        long merged = run.merges().stream().filter(MergeResult::merged).count();
        writer.println();
        writer.println("Demo repository: " + run.repository() + " (" + merged + " of " + run.merges().size()
                + " features merged into main; try 'git log --oneline --graph --all' there)");
        writer.flush();
        return ExitCodes.OK;
    }
}
