package dev.agentorchestrator.agents;

import dev.agentorchestrator.spi.AgentLauncher;
import dev.agentorchestrator.spi.AgentLauncherContract;
import java.nio.file.Path;
import java.util.List;

/** {@link AiderLauncher} against the launcher contract; the prompt is the argument after {@code --message}. */
class AiderLauncherContractTest extends AgentLauncherContract {

    @Override
    protected String executableName() {
        return "aider";
    }

    @Override
    protected AgentLauncher launcher(Path executable) {
        return AiderLauncher.builder().executable(executable.toString()).build();
    }

    @Override
    protected List<String> doneOutput() {
        return lines("/agents/aider/success.txt");
    }

    @Override
    protected byte[] receivedPrompt(List<byte[]> arguments, byte[] standardInput) {
        return arguments.get(1);
    }
}
