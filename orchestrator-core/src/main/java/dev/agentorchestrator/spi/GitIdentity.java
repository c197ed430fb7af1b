package dev.agentorchestrator.spi;

import dev.agentorchestrator.GitException;

/**
 * A name and e-mail address as git records them in a commit or a reflog entry.
 *
 * @param name  a person's or tool's name; not blank, no angle brackets or line breaks
 * @param email an address; no angle brackets or line breaks (git accepts any text there)
 */
public record GitIdentity(String name, String email) {

    /** Used when the repository's configuration names no {@code user.name} / {@code user.email}. */
    public static final GitIdentity FALLBACK = new GitIdentity("agent-orchestrator", "agent-orchestrator@localhost");

    public GitIdentity {
        check(name, "name", true);
        check(email, "email", false);
    }

    private static void check(String value, String what, boolean notBlank) {
        if (value == null || (notBlank && value.isBlank()) || value.chars().anyMatch(c -> c == '<' || c == '>'
                || c == '\n' || c == '\r' || c == 0)) {
            throw new GitException("a git identity's " + what + " must be " + (notBlank ? "non-blank " : "")
                    + "text without '<', '>', NUL or line breaks, got '" + value + "'; pass a plain " + what);
        }
    }

    @Override
    public String toString() {
        return name + " <" + email + ">";
    }
}
