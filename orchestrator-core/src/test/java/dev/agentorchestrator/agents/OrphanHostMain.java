package dev.agentorchestrator.agents;

import dev.agentorchestrator.internal.process.AgentWatchdog;
import dev.agentorchestrator.spi.AgentListener;
import dev.agentorchestrator.spi.AgentProcess;
import dev.agentorchestrator.spi.AgentRequest;
import dev.agentorchestrator.spi.Workspace;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A host JVM for {@link AgentWatchdogTest}: launches one agent that starts a child of its own and
 * waits, then blocks until it is killed. Arguments: the folder the agent runs in (it writes its
 * pid to {@code agent} and its child's to {@code child} there) and the watchdog's session tool.
 */
public final class OrphanHostMain {

    private OrphanHostMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path folder = Path.of(args[0]);
        System.setProperty(AgentWatchdog.SESSION_PROPERTY, args[1]);
        CommandLauncher launcher = CommandLauncher.builder().name("orphan").command("bash", "-c",
                "sleep 1000 & echo $! > child.tmp && mv child.tmp child; echo $$ > agent.tmp && mv agent.tmp agent; wait").build();
        AgentProcess process = launcher.launch(AgentRequest.of("orphan", Workspace.of(folder), "run until killed", AgentListener.ignoring()));
        System.out.println("launched " + process.handle() + " with session tool " + AgentWatchdog.sessionTool());
        // Only a kill ends this JVM: the test sends SIGKILL.
        new CountDownLatch(1).await();
    }
}
