package dev.agentorchestrator;

import java.util.Objects;

/**
 * One test that did not pass in a CI run, as its test report names it.
 *
 * <pre>{@code
 * for (TestFailure f : result.failures()) {
 *     System.out.println(f.displayName() + ": " + f.message());
 * }
 * }</pre>
 *
 * @param name      the test's name ({@code refresh}, {@code test_refresh}, {@code TestRefresh})
 * @param className the class, module, file or package the report puts it in; empty when it gives none
 * @param kind      whether an assertion failed or the test threw something else
 * @param message   the first line a person needs (the assertion message), trimmed; may be empty
 * @param detail    the stack trace and the test's own output, trimmed to a bounded size; may be empty
 */
public record TestFailure(String name, String className, Kind kind, String message, String detail) {

    /** How a test did not pass; reports tell these apart (JUnit's {@code <failure>} and {@code <error>}). */
    public enum Kind {
        /** An assertion failed. */
        FAILED,
        /** The test threw an unexpected exception or could not run (setup, collection, a crash). */
        ERRORED
    }

    public TestFailure {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * A short name for people: the last part of the class name and the test name, as in
     * {@code AuthTest.refresh} for {@code com.example.AuthTest} (the part after the last {@code /}
     * when the class is a file or package path, the last {@code .} otherwise). When the report
     * already repeats the class in the name (Jest does), just the name.
     */
    public String displayName() {
        if (className.isEmpty() || name.startsWith(className)) {
            return name;
        }
        int slash = className.lastIndexOf('/');
        String shortClass = slash >= 0 ? className.substring(slash + 1) : className.substring(className.lastIndexOf('.') + 1);
        return shortClass.isEmpty() ? name : shortClass + "." + name;
    }
}
