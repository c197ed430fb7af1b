package dev.agentorchestrator.agents;

import dev.agentorchestrator.spi.AgentLauncher;
import dev.agentorchestrator.spi.AgentLauncherContract;
import java.nio.file.Path;
import java.util.List;

/** {@link ClaudeCodeLauncher} against the launcher contract; the prompt is the argument after {@code --}. */
class ClaudeCodeLauncherContractTest extends AgentLauncherContract {

    @Override
    protected String executableName() {
        return "claude";
    }

    @Override
    protected AgentLauncher launcher(Path executable) {
        return ClaudeCodeLauncher.builder().executable(executable.toString()).build();
    }

    @Override
    protected List<String> doneOutput() {
        return lines("/claude/write-edit-bash.jsonl");
    }

    @Override
    protected byte[] receivedPrompt(List<byte[]> arguments, byte[] standardInput) {
        return arguments.get(arguments.size() - 1);
    }
}
