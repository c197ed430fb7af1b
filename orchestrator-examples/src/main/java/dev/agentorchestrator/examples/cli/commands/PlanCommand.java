package dev.agentorchestrator.examples.cli.commands;

import dev.agentorchestrator.Feature;
import dev.agentorchestrator.Plan;
import dev.agentorchestrator.examples.cli.ExitCodes;
import dev.agentorchestrator.examples.cli.RepositoryLayout;
import dev.agentorchestrator.examples.cli.config.OrchestratorConfig;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code plan}: the library's advice ({@link Plan#suggest}) for the features of the config file,
 * before they start. Read from their prompts alone, without an engine; the sessions that exist
 * and their forecast are not taken into account here.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Shows which features of agent-orchestrator.yaml are likely to collide (from the files their prompts"
                + " name) and an order in groups that keeps them apart. Starts nothing.")
public final class PlanCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        RepositoryLayout layout = Context.layout();
        OrchestratorConfig config = Context.config(layout);
        PrintWriter out = spec.commandLine().getOut();
        if (config.features().isEmpty()) {
            out.println("No features in " + layout.configFile().getFileName() + "; list them under 'features:' to plan them.");
            return ExitCodes.OK;
        }
        List<Feature> features = config.features().stream().map(f -> f.toFeature(config)).toList();
        out.print(Plan.suggest(features).toTable());
        out.flush();
        return ExitCodes.OK;
    }
}
