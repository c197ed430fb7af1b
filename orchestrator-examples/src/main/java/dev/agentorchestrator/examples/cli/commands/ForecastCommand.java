package dev.agentorchestrator.examples.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentorchestrator.ForecastMatrix;
import dev.agentorchestrator.examples.cli.CoordinationView;
import dev.agentorchestrator.examples.cli.ExitCodes;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code forecast}: the engine's conflict forecast, as a matrix or JSON. */
@Command(name = "forecast", mixinStandardHelpOptions = true,
        description = "Shows the conflict forecast: whether each pair of live sessions, and each session into its base branch,"
                + " would merge cleanly, and the conflicting paths when not.")
public final class ForecastCommand implements Callable<Integer> {
    @Option(names = "--json", description = "print JSON: {\"names\", \"heads\", \"pairs\", \"againstBase\", \"conflicts\"} (fields in docs/cli.md)")
    boolean json;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode answer = Context.engine(Context.layout()).get("/api/forecast");
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(answer.toPrettyString());
        } else {
            // Rebuilt as the record so that the table is the library's own, not a second rendering.
            ForecastMatrix matrix = CoordinationView.forecastFromJson(answer);
            out.print(matrix.toTable());
            out.flush();
        }
        return ExitCodes.OK;
    }
}
