package dev.agentorchestrator.agents;

import dev.agentorchestrator.spi.AgentLauncher;
import dev.agentorchestrator.spi.AgentLauncherContract;
import java.nio.file.Path;
import java.util.List;

/** {@link GeminiLauncher} against the launcher contract; the prompt is the argument after {@code -p}, the last. */
class GeminiLauncherContractTest extends AgentLauncherContract {

    @Override
    protected String executableName() {
        return "gemini";
    }

    @Override
    protected AgentLauncher launcher(Path executable) {
        return GeminiLauncher.builder().executable(executable.toString()).build();
    }

    @Override
    protected List<String> doneOutput() {
        return lines("/agents/gemini/success.jsonl");
    }

    @Override
    protected byte[] receivedPrompt(List<byte[]> arguments, byte[] standardInput) {
        return arguments.get(arguments.size() - 1);
    }
}
