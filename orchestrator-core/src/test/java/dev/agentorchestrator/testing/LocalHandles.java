package dev.agentorchestrator.testing;

/** Reads the pid out of a local agent handle ({@code local:<pid>:<start millis>}), for tests that watch the process. */
public final class LocalHandles {
    private LocalHandles() {
    }

    public static long pid(String handle) {
        if (!handle.startsWith("local:")) {
            throw new AssertionError("not a local agent handle: " + handle);
        }
        return Long.parseLong(handle.substring("local:".length()).split(":")[0]);
    }
}
