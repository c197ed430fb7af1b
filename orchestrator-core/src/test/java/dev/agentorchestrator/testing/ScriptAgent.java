package dev.agentorchestrator.testing;

import dev.agentorchestrator.AgentEvent;
import dev.agentorchestrator.agents.OutputInterpreter;
import dev.agentorchestrator.agents.ProcessAgentLauncher;
import dev.agentorchestrator.agents.ProcessExit;
import dev.agentorchestrator.spi.AgentExit;
import dev.agentorchestrator.spi.AgentRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A real agent process for engine tests: a bash script (the test's own text) run with the prompt
 * as {@code $1} and the resumed session id, if any, as {@code $2}. The script talks back with a
 * tiny line protocol:
 *
 * <ul>
 *   <li>{@code SESSION <id>}: the agent's session id ({@link AgentEvent.Started})</li>
 *   <li>{@code PROGRESS <done>/<total>}: progress</li>
 *   <li>{@code ASK <question>}: a question; the run ends WAITING_FOR_INPUT</li>
 *   <li>{@code COST <usd>}: the turn's cost ({@link AgentEvent.TurnFinished})</li>
 *   <li>anything else: assistant text</li>
 * </ul>
 * Exit code 0 is DONE (or WAITING when it asked), anything else FAILED with the last line.
 */
public final class ScriptAgent extends ProcessAgentLauncher {

    private final String name;
    private final String script;
    private final String executable;

    private ScriptAgent(String name, String script, String executable) {
        this.name = name;
        this.script = script;
        this.executable = executable;
    }

    /** An agent named {@code script-agent} running this bash script. */
    public static ScriptAgent of(String script) {
        return new ScriptAgent("script-agent", script, "bash");
    }

    /** The same script under another launcher name. */
    public ScriptAgent named(String newName) {
        return new ScriptAgent(newName, script, executable);
    }

    /** The same script, but started through a missing executable (for launch-failure tests). */
    public ScriptAgent withMissingExecutable() {
        return new ScriptAgent(name, script, "/nonexistent/agent-binary-for-tests");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    protected Optional<String> configuredExecutable() {
        return Optional.of(executable);
    }

    @Override
    protected List<String> command(AgentRequest request) {
        List<String> cmd = new ArrayList<>(List.of(executable, "-c", script, "script-agent", request.prompt()));
        request.resumeSessionId().ifPresent(cmd::add);
        return cmd;
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
                    String[] parts = line.substring(9).trim().split("/");
                    emit.accept(new AgentEvent.Progress(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), ""));
                } else if (line.startsWith("ASK ")) {
                    question = Optional.of(line.substring(4));
                    emit.accept(new AgentEvent.Question(line.substring(4)));
                } else if (line.startsWith("COST ")) {
                    emit.accept(new AgentEvent.TurnFinished(false, "", Double.parseDouble(line.substring(5).trim()), 1,
                            Duration.ZERO, java.util.OptionalInt.empty(), List.of()));
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
