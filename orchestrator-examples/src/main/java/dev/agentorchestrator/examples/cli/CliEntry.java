package dev.agentorchestrator.examples.cli;

/**
 * The runnable jar's entry point ({@code java -jar}, the launcher script). It holds nothing but
 * {@code main}, because the JVM resolves every type in the signatures of the main class's methods
 * before it runs: {@link Main}'s would load picocli even for the commands that
 * {@link QuickCommands} answers without it.
 */
public final class CliEntry {

    private CliEntry() {
    }

    public static void main(String[] args) throws java.io.IOException {
        if (args.length == 1 && args[0].equals(CdsTraining.ARGUMENT)) {
            CdsTraining.run();
            System.exit(ExitCodes.OK);
        }
        int code = QuickCommands.run(args, java.nio.file.Path.of(""), System.out, System.err);
        if (code == QuickCommands.NOT_MINE) {
            code = Main.run(args);
        }
        System.exit(code);
    }
}
