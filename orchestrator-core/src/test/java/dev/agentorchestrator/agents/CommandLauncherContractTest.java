package dev.agentorchestrator.agents;

import dev.agentorchestrator.spi.AgentLauncher;
import dev.agentorchestrator.spi.AgentLauncherContract;
import java.nio.file.Path;
import java.util.List;

/** {@link CommandLauncher} against the launcher contract, with the prompt in an argument ({@code {prompt}}). */
class CommandLauncherContractTest extends AgentLauncherContract {

    @Override
    protected String executableName() {
        return "my-agent";
    }

    @Override
    protected AgentLauncher launcher(Path executable) {
        return CommandLauncher.builder().command(executable.toString(), "--task", "{prompt}").name("my-agent").build();
    }

    @Override
    protected List<String> doneOutput() {
        return List.of("Reading the code", "Fixed the bug in Parser.java", "All tests pass");
    }

    @Override
    protected byte[] receivedPrompt(List<byte[]> arguments, byte[] standardInput) {
        return arguments.get(1);
    }
}
