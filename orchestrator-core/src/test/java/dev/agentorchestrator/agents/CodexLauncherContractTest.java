package dev.agentorchestrator.agents;

import dev.agentorchestrator.spi.AgentLauncher;
import dev.agentorchestrator.spi.AgentLauncherContract;
import java.nio.file.Path;
import java.util.List;

/** {@link CodexLauncher} against the launcher contract; the prompt is the last argument. */
class CodexLauncherContractTest extends AgentLauncherContract {

    @Override
    protected String executableName() {
        return "codex";
    }

    @Override
    protected AgentLauncher launcher(Path executable) {
        return CodexLauncher.builder().executable(executable.toString()).build();
    }

    @Override
    protected List<String> doneOutput() {
        return lines("/agents/codex/success.jsonl");
    }

    @Override
    protected byte[] receivedPrompt(List<byte[]> arguments, byte[] standardInput) {
        return arguments.get(arguments.size() - 1);
    }
}
