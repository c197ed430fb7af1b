package dev.agentorchestrator.spi;

/**
 * Tells a person about what needs them: a session waiting for input, one that needs attention,
 * one ready to merge or merged, and everything settled ({@link Notification.Kind}). The shipped
 * implementation posts JSON to a webhook ({@link dev.agentorchestrator.notify.WebhookNotifier});
 * a chat bot, a desktop notification or an e-mail is a few lines:
 *
 * <pre>{@code
 * Notifier desktop = n -> new ProcessBuilder("notify-send", "agent-orchestrator", n.message()).start().waitFor();
 *
 * Notifier slack = WebhookNotifier.to(URI.create(System.getenv("SLACK_WEBHOOK_URL"))).build();
 * }</pre>
 *
 * <p>The orchestrator calls {@link #send} on a thread of its own, one notification at a time and in
 * the order things happened, never on the engine's threads: a slow notifier delays only the
 * notifications after it, never the sessions. It should still bound how long it blocks (a time
 * limit per attempt), because notifications queue behind it. An exception it throws is logged
 * and the next notification is sent as usual; the engine never sees it.
 *
 * <p>Implementations must be thread-safe if one instance is shared by several orchestrators.
 */
@FunctionalInterface
public interface Notifier {

    /**
     * Delivers one notification, blocking until it is delivered or given up. Throwing is allowed
     * and harmless (it is logged), but a notifier that retries should log its own failures once
     * and return.
     */
    void send(Notification notification) throws Exception;

    /** A short name for logs. */
    default String name() {
        return getClass().getSimpleName();
    }
}
