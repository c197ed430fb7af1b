package dev.agentorchestrator.internal.engine;

import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.spi.AgentLauncher;
import dev.agentorchestrator.spi.SessionRecord;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the launcher that runs a session: the one its feature was given (in this orchestrator),
 * else the orchestrator's default when the names match, else one found through ServiceLoader by
 * name. A session remembers its launcher's {@link AgentLauncher#settings() settings}; a launcher
 * whose settings differ is refused with the difference named, so a restart never silently runs a
 * session with another model or other tools.
 */
final class AgentResolver {

    private final AgentLauncher defaultAgent;
    private final Map<String, AgentLauncher> featureAgents = new ConcurrentHashMap<>();

    AgentResolver(AgentLauncher defaultAgent) {
        this.defaultAgent = defaultAgent;
    }

    AgentLauncher defaultAgent() {
        return defaultAgent;
    }

    /** The launcher a feature brings with it, kept for its session while this orchestrator runs. */
    void adopt(String session, AgentLauncher agent) {
        featureAgents.put(session, agent);
    }

    void forget(String session) {
        featureAgents.remove(session);
    }

    /** The launcher for a new feature: its own, or the default. */
    AgentLauncher forNewFeature(String session, Optional<AgentLauncher> own) {
        own.ifPresent(a -> adopt(session, a));
        return own.orElse(defaultAgent);
    }

    /**
     * The launcher to run the session's next turn with.
     *
     * @throws ConfigurationException when none of that name is known, or its settings differ
     *                                from those the session was started with
     */
    AgentLauncher resolve(SessionRecord s) {
        AgentLauncher launcher = byName(s).orElseThrow(() -> new ConfigurationException("Session '" + s.name()
                + "' runs agent '" + s.agent() + "', which this orchestrator was not given and ServiceLoader does not find;"
                + " start the orchestrator with Orchestrator.builder().agent(...) or re-add the feature with its agent:"
                + " .feature(Feature.builder(\"" + s.name() + "\", ...).agent(...).build())"));
        Map<String, String> now = launcher.settings();
        if (!s.agentSettings().isEmpty() && !s.agentSettings().equals(now)) {
            throw new ConfigurationException("Session '" + s.name() + "' was started with agent '" + s.agent() + "' set up as "
                    + s.agentSettings() + ", but this orchestrator's '" + launcher.name() + "' is set up as " + now
                    + " (" + difference(s.agentSettings(), now) + "). Give the orchestrator the same launcher again,"
                    + " for example with .feature(Feature.builder(\"" + s.name() + "\", ...).agent(<launcher as before>).build())"
                    + " on the builder, or remove the session and add it anew.");
        }
        return launcher;
    }

    /** The launcher of that name, whatever its settings: to find or end an agent after a restart. */
    Optional<AgentLauncher> byName(SessionRecord s) {
        AgentLauncher own = featureAgents.get(s.name());
        if (own != null && own.name().equals(s.agent())) {
            return Optional.of(own);
        }
        if (defaultAgent.name().equals(s.agent())) {
            return Optional.of(defaultAgent);
        }
        return Providers.all(AgentLauncher.class, AgentLauncher::priority).stream()
                .filter(a -> a.name().equals(s.agent())).findFirst();
    }

    static String difference(Map<String, String> before, Map<String, String> now) {
        StringBuilder out = new StringBuilder();
        java.util.TreeSet<String> keys = new java.util.TreeSet<>(before.keySet());
        keys.addAll(now.keySet());
        for (String k : keys) {
            String a = before.get(k);
            String b = now.get(k);
            if (!java.util.Objects.equals(a, b)) {
                if (out.length() > 0) {
                    out.append("; ");
                }
                out.append(k).append(": ").append(a == null ? "(unset)" : "'" + a + "'").append(" now ")
                        .append(b == null ? "(unset)" : "'" + b + "'");
            }
        }
        return out.toString();
    }
}
