package dev.agentorchestrator.agents;

import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Decides whether a prompt can travel as one command-line argument. Two things stop it: Linux's
 * limit on one argument's length, and the JVM's argument encoding ({@code sun.jnu.encoding}), which
 * under a C or POSIX locale is ASCII and silently turns every other character into {@code ?}.
 * Launchers route such prompts to standard input or a file instead, or refuse with this reason.
 */
final class CommandArguments {

    private CommandArguments() {
    }

    /** True when {@code text} fits in one argument and arrives byte-for-byte. */
    static boolean fitsInArgument(String text) {
        return reasonItCannotBeAnArgument(text).isEmpty();
    }

    /** Why {@code text} cannot be passed as one argument, or empty when it can. */
    static Optional<String> reasonItCannotBeAnArgument(String text) {
        if (text.length() > ProcessAgentLauncher.MAX_ARGUMENT_CHARS) {
            return Optional.of("the prompt is " + text.length() + " characters long and one command-line argument holds at most "
                    + ProcessAgentLauncher.MAX_ARGUMENT_CHARS);
        }
        Charset encoding = argumentEncoding();
        CharsetEncoder encoder = encoding.newEncoder();
        if (!encoder.canEncode(text)) {
            return Optional.of("the prompt has characters that the JVM's argument encoding " + encoding.name()
                    + " cannot carry (start the JVM with a UTF-8 locale, such as LANG=C.UTF-8)");
        }
        return Optional.empty();
    }

    private static Charset argumentEncoding() {
        String name = System.getProperty("sun.jnu.encoding");
        if (name == null) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(name);
        } catch (RuntimeException unknown) {
            return Charset.defaultCharset();
        }
    }
}
