package dev.agentorchestrator.examples.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentorchestrator.testing.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A command run on a pseudo-terminal made by util-linux's {@code script}, with a keyboard (its
 * standard input) and everything it drew kept in a file. Full-screen programs such as Claude
 * Code's TUI redraw by moving the cursor between words, so {@link #screen()} drops escape sequences
 * and white space: a test looks for {@code "Hello,world"} where the terminal showed "Hello, world".
 */
final class PseudoTerminal implements AutoCloseable {

    static final Path SCRIPT = Path.of("/usr/bin/script");

    /** CSI (cursor moves, colours, modes), OSC (titles, queries), and the two-character escapes. */
    private static final Pattern ESCAPES = Pattern.compile(
            "\u001b\\[[0-?]*[ -/]*[@-~]|\u001b\\][^\u0007\u001b]*(?:\u0007|\u001b\\\\)|\u001b[()#][0-9A-Za-z]|\u001b[0-9=>A-Za-z]");
    /** White space, the no-break space the TUI puts after its prompt sign, and other control characters. */
    private static final Pattern BLANKS = Pattern.compile("[\\s\u00a0\\p{Cntrl}]+");

    private final Process process;
    private final Path output;
    private final OutputStream keyboard;

    private PseudoTerminal(Process process, Path output) {
        this.process = process;
        this.output = output;
        this.keyboard = process.getOutputStream();
    }

    /** Skips the calling test when {@code script} is missing (Debian has it in bsdutils, which is always installed). */
    static void assumeAvailable() {
        assumeTrue(Files.isExecutable(SCRIPT), "needs util-linux's 'script' (" + SCRIPT + ") for a pseudo-terminal");
    }

    /**
     * Runs {@code shellCommand} ({@code sh -c}) on a new pseudo-terminal of {@code columns} by
     * {@code rows}, in {@code directory}, with {@code environment} added to this process's own.
     */
    static PseudoTerminal start(Path directory, Map<String, String> environment, int columns, int rows, String shellCommand,
                                Path output) throws IOException {
        // script gives the pseudo-terminal no size when its own input is not a terminal; a TUI wants one.
        String sized = "stty cols " + columns + " rows " + rows + " && exec " + shellCommand;
        ProcessBuilder pb = new ProcessBuilder(List.of(SCRIPT.toString(), "-qec", sized, "/dev/null")).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().putAll(environment);
        return new PseudoTerminal(pb.start(), output);
    }

    /** Types {@code keys} as they are ({@code "\r"} is Enter). */
    void type(String keys) {
        try {
            keyboard.write(keys.getBytes(StandardCharsets.UTF_8));
            keyboard.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not type on the terminal; it ended?\n" + lastLines(), e);
        }
    }

    /** What was drawn so far, without escape sequences and white space. */
    String screen() {
        return BLANKS.matcher(text()).replaceAll("");
    }

    /** What was drawn so far, without escape sequences: for failure messages. */
    String text() {
        return ESCAPES.matcher(raw()).replaceAll(" ");
    }

    /**
     * Waits until the screen shows {@code expected} (white space ignored) at or after position
     * {@code from} of {@link #screen()}, and returns the position just after it.
     */
    int awaitShown(String what, String expected, int from, Duration timeout) {
        String needle = BLANKS.matcher(expected).replaceAll("");
        try {
            Await.until(what, timeout, () -> screen().indexOf(needle, from) >= 0 || !process.isAlive());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the terminal shows:\n" + lastLines(), e);
        }
        int found = screen().indexOf(needle, from);
        if (found < 0) {
            throw new AssertionError("the program ended before " + what + "; the terminal shows:\n" + lastLines());
        }
        return found + needle.length();
    }

    /** The end of {@link #text()}, white space runs shortened: what a failure message shows. */
    String lastLines() {
        String text = text().replaceAll(" {2,}", "  ");
        return text.length() <= 6000 ? text : "..." + text.substring(text.length() - 6000);
    }

    /** The processes running on the terminal (the command and what it started), for a test that kills one. */
    java.util.stream.Stream<ProcessHandle> processes() {
        return process.descendants();
    }

    /** Waits for the program to end and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the program on the terminal did not end within " + timeout + "; it shows:\n" + lastLines());
        }
        return process.exitValue();
    }

    private String raw() {
        try {
            // Not Files.readString: the last character may be half written, which it refuses.
            return Files.exists(output) ? new String(Files.readAllBytes(output), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the program and everything it started, when a test failed half way. */
    @Override
    public void close() {
        try {
            keyboard.close();
        } catch (IOException e) {
            // The terminal is gone already.
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
