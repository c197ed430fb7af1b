package dev.agentorchestrator.agents;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * What of the host's environment an agent inherits, and which values must never be repeated
 * from its output. An agent runs code an LLM chose, so it gets the variables it needs to work
 * (where programs are, who and where it is, its language, its own API keys, proxies) and nothing
 * else of the host's: database passwords, cloud credentials and CI tokens stay behind.
 *
 * <p>The defaults are {@link #DEFAULT_NAMES} and the names starting with one of
 * {@link #DEFAULT_PREFIXES}. The system property {@value #INHERIT_PROPERTY} adds more: a
 * comma-separated list of names, where {@code NAME*} stands for every name starting with
 * {@code NAME}, and {@code *} alone lets the agent inherit everything (the behaviour before the
 * allow-list). Variables a launcher or the orchestrator sets explicitly are always passed.
 */
public final class AgentEnvironment {

    /** The system property that extends the allow-list, such as {@code MAVEN_OPTS,JAVA_HOME,MY_TOOL_*}. */
    public static final String INHERIT_PROPERTY = "agentorchestrator.agentEnvironment.inherit";

    /** Host variables every agent inherits when set. */
    public static final Set<String> DEFAULT_NAMES = Set.of(
            "PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "COLORTERM", "TMPDIR", "TMP", "TEMP", "TZ",
            "LANG", "LANGUAGE",
            "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "no_proxy", "all_proxy",
            "SSL_CERT_FILE", "SSL_CERT_DIR", "NODE_EXTRA_CA_CERTS", "REQUESTS_CA_BUNDLE",
            // What Windows programs need to start at all.
            "SYSTEMROOT", "SystemRoot", "WINDIR", "PATHEXT", "COMSPEC", "USERPROFILE", "APPDATA", "LOCALAPPDATA",
            // The agents' own keys (more of them under DEFAULT_PREFIXES).
            "ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "OPENROUTER_API_KEY",
            "DEEPSEEK_API_KEY", "MISTRAL_API_KEY", "GROQ_API_KEY", "AZURE_OPENAI_API_KEY");

    /** Prefixes of host variables every agent inherits: locale, XDG folders, the agents' own settings. */
    public static final List<String> DEFAULT_PREFIXES = List.of(
            "LC_", "XDG_", "ANTHROPIC_", "CLAUDE_", "OPENAI_", "CODEX_", "GEMINI_", "AIDER_");

    /** Names whose values are credentials: never repeated from an agent's output. */
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|COOKIE|PRIVATE).*");

    /** Shorter values are too likely to occur in ordinary text to be replaced. */
    static final int MIN_SECRET_LENGTH = 8;

    private AgentEnvironment() {
    }

    /** True when an agent inherits the host variable {@code name}, with {@code extension} as the property's value. */
    static boolean inherits(String name, String extension) {
        if (DEFAULT_NAMES.contains(name) || DEFAULT_PREFIXES.stream().anyMatch(name::startsWith)) {
            return true;
        }
        if (extension == null || extension.isBlank()) {
            return false;
        }
        for (String entry : extension.split(",")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            if (e.endsWith("*") ? name.startsWith(e.substring(0, e.length() - 1)) : name.equals(e)) {
                return true;
            }
        }
        return false;
    }

    /** The host variables an agent inherits, read from {@code host} with the system property's extension. */
    public static Map<String, String> inherited(Map<String, String> host) {
        return inherited(host, System.getProperty(INHERIT_PROPERTY));
    }

    static Map<String, String> inherited(Map<String, String> host, String extension) {
        Map<String, String> kept = new TreeMap<>();
        host.forEach((name, value) -> {
            if (inherits(name, extension)) {
                kept.put(name, value);
            }
        });
        return kept;
    }

    /** True when a variable of this name holds a credential (its name says KEY, TOKEN, SECRET, ...). */
    public static boolean isSecretName(String name) {
        return SECRET_NAME.matcher(name).matches();
    }

    /**
     * Replaces each secret value of {@code environment} (see {@link #isSecretName(String)}, at least
     * {@value #MIN_SECRET_LENGTH} characters) in a line with {@code [redacted NAME]}, the longest
     * first so a key that contains another is replaced whole.
     */
    public static UnaryOperator<String> redactor(Map<String, String> environment) {
        List<Map.Entry<String, String>> secrets = new ArrayList<>();
        environment.forEach((name, value) -> {
            if (value != null && value.length() >= MIN_SECRET_LENGTH && isSecretName(name)) {
                secrets.add(Map.entry(name, value));
            }
        });
        if (secrets.isEmpty()) {
            return UnaryOperator.identity();
        }
        secrets.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getValue().length()).reversed());
        List<Map.Entry<String, String>> ordered = List.copyOf(secrets);
        return line -> {
            if (line == null) {
                return null;
            }
            String out = line;
            for (Map.Entry<String, String> s : ordered) {
                if (out.contains(s.getValue())) {
                    out = out.replace(s.getValue(), "[redacted " + s.getKey().toUpperCase(Locale.ROOT) + "]");
                }
            }
            return out;
        };
    }
}
