package dev.agentorchestrator.examples.dashboard;

import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.agents.OutputInterpreter;
import dev.agentorchestrator.agents.ProcessExit;
import dev.agentorchestrator.agents.ProcessAgentLauncher;
import dev.agentorchestrator.spi.AgentExit;
import dev.agentorchestrator.spi.AgentRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * A real agent process for the dashboard's tests: {@link #SCRIPT} run by bash with the prompt as
 * {@code $1}. What it does depends on words in the prompt:
 *
 * <ul>
 *   <li>{@code ASK}: asks a question and waits for input;</li>
 *   <li>{@code FAIL}: fails;</li>
 *   <li>{@code HOLD}: calls a tool, then works until the test creates the file {@code <gates>/<session>};</li>
 *   <li>{@code SPAM N}: prints N long lines (for the slow-client test), then finishes;</li>
 *   <li>anything else: appends the prompt to {@code received.txt} (or to the file named in
 *       {@code <gates>/<session>.file}), commits it and finishes.</li>
 * </ul>
 * Its output protocol: {@code SESSION id}, {@code PROGRESS done/total [task]}, {@code TOOL name summary},
 * {@code ASK question}, {@code COST usd}, anything else is assistant text.
 */
final class TestAgent extends ProcessAgentLauncher {

    static final String SCRIPT = String.join("\n",
            "set -e",
            "name=$(basename \"$PWD\")",
            "echo SESSION sess-$name",
            "case \"$1\" in",
            "  *ASK*) echo PROGRESS 1/3 Read the schema; echo 'TOOL Read src/app.txt'; echo 'ASK Which database should I use, Postgres or SQLite?' ;;",
            "  *FAIL*) echo PROGRESS 2/5 Migrate; echo 'TOOL Bash ./gradlew migrate'; echo 'migration failed: table exists'; exit 3 ;;",
            "  *HOLD*) echo PROGRESS 2/4 Write the handlers; echo 'TOOL Edit src/api/handlers.txt'",
            "     while [ ! -f \"$DASHBOARD_TEST_GATES/$name\" ]; do sleep 0.05; done",
            "     echo PROGRESS 4/4; echo COST 0.40 ;;",
            "  *SPAM*) n=${1##*SPAM }; pad=$(printf '%03000d' 0)",
            "     for i in $(seq 1 \"$n\"); do echo \"line $i $pad\"; done; echo 'spam done' ;;",
            "  *) file=received.txt",
            "     if [ -f \"$DASHBOARD_TEST_GATES/$name.file\" ]; then file=$(cat \"$DASHBOARD_TEST_GATES/$name.file\"); fi",
            "     mkdir -p \"$(dirname \"$file\")\"; printf '%s\\n' \"$1\" >> \"$file\"; git add \"$file\"",
            "     git -c user.name=Agent -c user.email=agent@example.invalid commit -q -m \"agent: $1\"",
            "     echo \"TOOL Write $file\"; echo PROGRESS 2/2; echo COST 0.25; echo \"done: $1\" ;;",
            "esac");

    private final Path gates;

    TestAgent(Path gates) {
        this.gates = gates;
    }

    @Override
    public String name() {
        return "test-agent";
    }

    @Override
    protected List<String> command(AgentRequest request) {
        return List.of("bash", "-c", SCRIPT, "test-agent", request.prompt());
    }

    @Override
    protected Map<String, String> extraEnvironment(AgentRequest request) {
        return Map.of("DASHBOARD_TEST_GATES", gates.toString());
    }

    @Override
    protected OutputInterpreter interpreter(AgentRequest request) {
        return new OutputInterpreter() {
            private String lastLine = "";
            private Optional<String> question = Optional.empty();

            @Override
            public void onStdout(String line, Consumer<AgentEvent> emit) {
                lastLine = line;
                if (line.startsWith("SESSION ")) {
                    emit.accept(new AgentEvent.Started(line.substring(8).trim(), Optional.empty(), List.of()));
                } else if (line.startsWith("PROGRESS ")) {
                    String[] words = line.substring(9).trim().split(" ", 2);
                    String[] parts = words[0].split("/");
                    emit.accept(new AgentEvent.Progress(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
                            words.length > 1 ? words[1] : ""));
                } else if (line.startsWith("TOOL ")) {
                    String[] words = line.substring(5).split(" ", 2);
                    emit.accept(new AgentEvent.ToolUse("t" + line.hashCode(), words[0], "{}", words.length > 1 ? words[1] : ""));
                } else if (line.startsWith("ASK ")) {
                    question = Optional.of(line.substring(4));
                    emit.accept(new AgentEvent.Question(line.substring(4)));
                } else if (line.startsWith("COST ")) {
                    emit.accept(new AgentEvent.TurnFinished(false, "", Double.parseDouble(line.substring(5).trim()), 3,
                            Duration.ZERO, OptionalInt.empty(), List.of()));
                } else {
                    emit.accept(new AgentEvent.AssistantText(line));
                }
            }

            @Override
            public void onStderr(String line, Consumer<AgentEvent> emit) {
                lastLine = line;
            }

            @Override
            public AgentExit finish(ProcessExit exit) {
                if (exit.exitCode() != 0) {
                    return exit.failed("exit code " + exit.exitCode() + ": " + lastLine);
                }
                return question.map(exit::waitingForInput).orElseGet(exit::done);
            }
        };
    }
}
