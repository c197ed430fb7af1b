package dev.agentorchestrator.examples.bench;

import static dev.agentorchestrator.examples.bench.BenchSupport.fmt;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentorchestrator.agents.ClaudeStreamJsonInterpreter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Part 5 (JMH): Claude Code stream-json lines per second through {@link ClaudeStreamJsonInterpreter}
 * against Jackson reading the same lines into a tree, the floor any interpreter pays. One operation
 * is one whole transcript of {@link #LINES} lines, so that the interpreter's state (task list,
 * denials) grows as in a real turn.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ParsingBenchmark {

    /** Lines in one generated transcript. */
    static final int LINES = transcript().size();

    private final ObjectMapper mapper = new ObjectMapper();
    private final List<String> lines = transcript();

    /** The interpreter over one transcript, every event consumed. */
    @Benchmark
    public void interpreter(Blackhole bh) {
        ClaudeStreamJsonInterpreter interpreter = new ClaudeStreamJsonInterpreter();
        for (String line : lines) {
            interpreter.onStdout(line, bh::consume);
        }
    }

    /** The floor: Jackson reads every line of the same transcript into a tree. */
    @Benchmark
    public void jacksonTree(Blackhole bh) throws IOException {
        for (String line : lines) {
            bh.consume(mapper.readTree(line));
        }
    }

    /** An init line, 40 rounds of text, a tool call and its result, and the result line, as Claude Code prints them. */
    static List<String> transcript() {
        List<String> out = new ArrayList<>();
        out.add("{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"9f1c2d3e-aaaa-bbbb-cccc-1234567890ab\","
                + "\"model\":\"claude-sonnet-4\",\"cwd\":\"/work/repo\",\"tools\":[\"Read\",\"Edit\",\"Bash\",\"Grep\"],"
                + "\"permissionMode\":\"acceptEdits\"}");
        for (int i = 0; i < 40; i++) {
            out.add("{\"type\":\"assistant\",\"message\":{\"id\":\"msg_" + i + "\",\"role\":\"assistant\",\"content\":"
                    + "[{\"type\":\"text\",\"text\":\"Now I will read the file and change the method that computes the"
                    + " total, step " + i + ".\"}],\"usage\":{\"input_tokens\":1200,\"output_tokens\":85}},"
                    + "\"session_id\":\"9f1c2d3e-aaaa-bbbb-cccc-1234567890ab\"}");
            out.add("{\"type\":\"assistant\",\"message\":{\"id\":\"msg_" + i + "b\",\"role\":\"assistant\",\"content\":"
                    + "[{\"type\":\"tool_use\",\"id\":\"toolu_" + i + "\",\"name\":\"Edit\",\"input\":{\"file_path\":"
                    + "\"/work/repo/src/main/java/shop/Cart" + i + ".java\",\"old_string\":\"return total;\","
                    + "\"new_string\":\"return total.add(tax);\"}}]},\"session_id\":\"9f1c2d3e-aaaa-bbbb-cccc-1234567890ab\"}");
            out.add("{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
                    + "\"tool_use_id\":\"toolu_" + i + "\",\"content\":\"The file /work/repo/src/main/java/shop/Cart" + i
                    + ".java has been updated. Here's the result of running `cat -n` on a snippet:\\n  41\\t    "
                    + "BigDecimal total = sum(lines);\\n  42\\t    return total.add(tax);\\n  43\\t}\"}]},"
                    + "\"session_id\":\"9f1c2d3e-aaaa-bbbb-cccc-1234567890ab\"}");
        }
        out.add("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"duration_ms\":53000,\"num_turns\":41,"
                + "\"result\":\"Done: tax is added to every cart total.\",\"session_id\":"
                + "\"9f1c2d3e-aaaa-bbbb-cccc-1234567890ab\",\"total_cost_usd\":0.42,\"usage\":{\"input_tokens\":50000,"
                + "\"output_tokens\":4000}}");
        return List.copyOf(out);
    }

    /**
     * Runs both benchmarks with JMH and returns the Markdown section. {@code quick} uses no fork and
     * one short iteration (for the smoke test, whose class path a fork may not see).
     */
    static String run(boolean quick) throws RunnerException {
        OptionsBuilder builder = new OptionsBuilder();
        builder.include(ParsingBenchmark.class.getName().replace(".", "\\.") + "\\.");
        if (quick) {
            builder.forks(0).warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(200));
        } else {
            builder.forks(1).warmupIterations(8).warmupTime(TimeValue.seconds(2)).measurementIterations(5)
                    .measurementTime(TimeValue.seconds(2)).jvmArgs("-Xmx512m");
        }
        Options options = builder.shouldFailOnError(true).build();
        Collection<RunResult> results = new Runner(options).run();
        double interpreter = Double.NaN;
        double interpreterError = Double.NaN;
        double jackson = Double.NaN;
        double jacksonError = Double.NaN;
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            double score = r.getPrimaryResult().getScore() * LINES;
            double error = r.getPrimaryResult().getScoreError() * LINES;
            if (name.endsWith(".interpreter")) {
                interpreter = score;
                interpreterError = error;
            } else if (name.endsWith(".jacksonTree")) {
                jackson = score;
                jacksonError = error;
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(fmt("JMH 1.37, throughput, %s; one operation = one transcript of %d Claude Code stream-json"
                        + " lines (init, 40 × text + tool call + tool result, result), multiplied out to lines per"
                        + " second (± the 99.9%% confidence half-width JMH reports).%n%n",
                quick ? "no fork, 1 iteration of 200 ms (quick settings)" : "1 fork, 8 warm-up and 5 measured iterations of 2 s",
                LINES));
        out.append("| parser | lines per second | against the floor |\n| --- | ---: | ---: |\n");
        out.append(fmt("| Jackson `readTree` (the floor) | %.0f%s | 1.00 |%n", jackson, plusMinus(jacksonError)));
        out.append(fmt("| `ClaudeStreamJsonInterpreter` | %.0f%s | **%.2f** |%n", interpreter, plusMinus(interpreterError),
                interpreter / jackson));
        return out.toString();
    }

    /** JMH has no error estimate for a single iteration. */
    private static String plusMinus(double error) {
        return Double.isNaN(error) ? "" : fmt(" ± %.0f", error);
    }
}
