package dev.agentorchestrator.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentorchestrator.CiResult;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.SessionState;
import dev.agentorchestrator.spi.Notification;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook notifier against a real HTTP server on loopback. */
class WebhookNotifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LoopbackHook hook;

    @BeforeEach
    void startHook() throws Exception {
        hook = LoopbackHook.start();
    }

    @AfterEach
    void stopHook() {
        hook.close();
    }

    private static Notification readyToMerge() {
        CiResult ci = CiResult.builder(CiResult.Status.PASSED, "0123456789abcdef").passed(3).summary("3 passed").build();
        return Notification.about(Notification.Kind.READY_TO_MERGE,
                TestSessions.session("auth-api", SessionState.READY_TO_MERGE, "CI passed", 7, Optional.of(ci)),
                "auth-api is ready to merge into main: CI passed", TestSessions.T0);
    }

    private WebhookNotifier.Builder quick() {
        return WebhookNotifier.to(hook.uri()).backoff(Duration.ofMillis(10)).timeout(Duration.ofSeconds(10));
    }

    @Test
    void postsTheNotificationAsJsonWithItsHeaders() throws Exception {
        WebhookNotifier notifier = quick().header("Authorization", "Bearer s3cret-token").build();

        notifier.send(readyToMerge());

        assertEquals(1, hook.received().size());
        LoopbackHook.Received r = hook.received().get(0);
        assertEquals("POST", r.method());
        assertEquals("/hooks/T0SECRET/B0SECRET", r.path());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        assertEquals("Bearer s3cret-token", r.authorization());
        JsonNode body = JSON.readTree(r.body());
        assertEquals(1, body.get("version").asInt());
        assertEquals("READY_TO_MERGE", body.get("kind").asText());
        assertEquals("auth-api", body.get("session").asText());
        assertEquals("auth-api is ready to merge into main: CI passed", body.get("message").asText());
        assertEquals(body.get("message"), body.get("text"));
        assertEquals("2025-01-02T03:04:05Z", body.get("at").asText());
        JsonNode s = body.get("snapshot");
        assertEquals("auth-api", s.get("name").asText());
        assertEquals("READY_TO_MERGE", s.get("state").asText());
        assertEquals("feature/auth-api", s.get("branch").asText());
        assertEquals("main", s.get("baseBranch").asText());
        assertEquals(7, s.get("revision").asLong());
        assertEquals(3, s.get("progress").get("total").asInt());
        assertEquals("PASSED", s.get("lastCi").get("status").asText());
        assertEquals("3 passed", s.get("lastCi").get("summary").asText());
        assertEquals(1, notifier.deliveredCount());
        assertEquals(0, notifier.failedCount());
    }

    @Test
    void allSettledHasNoSessionAndNoSnapshot() throws Exception {
        WebhookNotifier notifier = quick().build();

        notifier.send(Notification.allSettled("All 2 sessions have settled: 2 READY_TO_MERGE", TestSessions.T0));

        JsonNode body = JSON.readTree(hook.received().get(0).body());
        assertEquals("ALL_SETTLED", body.get("kind").asText());
        assertTrue(body.get("session").isNull());
        assertTrue(body.get("snapshot").isNull());
        assertEquals(1, notifier.deliveredCount());
    }

    @Test
    void retriesA503AndA429ThenDelivers() {
        hook.answer(503, 429, 200);
        WebhookNotifier notifier = quick().maxAttempts(4).build();

        notifier.send(readyToMerge());

        assertEquals(3, hook.received().size(), "two refusals, then the one that went through");
        assertEquals(hook.received().get(0).body(), hook.received().get(2).body(), "every attempt posts the same body");
        assertEquals(1, notifier.deliveredCount());
        assertEquals(0, notifier.failedCount());
        assertEquals(3, notifier.attemptCount());
    }

    @Test
    void givesUpAfterMaxAttemptsAndCountsTheFailureWithoutThrowing() {
        hook.answer(500, 502, 503, 504);
        WebhookNotifier notifier = quick().maxAttempts(3).build();

        notifier.send(readyToMerge());

        assertEquals(3, hook.received().size());
        assertEquals(0, notifier.deliveredCount());
        assertEquals(1, notifier.failedCount());
    }

    @Test
    void aClientErrorIsFinalAndNotRetried() {
        hook.answer(404);
        WebhookNotifier notifier = quick().maxAttempts(5).build();

        notifier.send(readyToMerge());

        assertEquals(1, hook.received().size());
        assertEquals(1, notifier.failedCount());
    }

    @Test
    void aServerThatNeverAnswersHitsTheTimeLimitOfEachAttempt() {
        hook.neverAnswer();
        WebhookNotifier notifier = quick().timeout(Duration.ofMillis(300)).maxAttempts(2).build();

        notifier.send(readyToMerge());

        assertEquals(2, hook.received().size(), "each attempt reached the server and was given up on its time limit");
        assertEquals(0, notifier.deliveredCount());
        assertEquals(1, notifier.failedCount());
    }

    @Test
    void aRefusedConnectionIsRetriedThenCounted() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        WebhookNotifier notifier = WebhookNotifier.to(URI.create("http://127.0.0.1:" + closedPort + "/hook"))
                .backoff(Duration.ofMillis(10)).maxAttempts(2).build();

        notifier.send(readyToMerge());

        assertEquals(2, notifier.attemptCount());
        assertEquals(1, notifier.failedCount());
    }

    @Test
    void theFailureLogNamesNeitherTheHeaderValueNorTheSecretPath() {
        hook.answer(500);
        WebhookNotifier notifier = quick().maxAttempts(1).header("Authorization", "Bearer s3cret-token").build();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            notifier.send(readyToMerge());
        } finally {
            System.setErr(original);
        }

        String logged = captured.toString(StandardCharsets.UTF_8);
        assertTrue(logged.contains("HTTP 500") && logged.contains("auth-api"), logged);
        assertFalse(logged.contains("s3cret-token"), logged);
        assertFalse(logged.contains("SECRET"), logged);
        assertFalse(notifier.toString().contains("s3cret-token") || notifier.toString().contains("SECRET"), notifier.toString());
        assertTrue(notifier.toString().contains("Authorization"), notifier.toString());
    }

    @Test
    void badSettingsAreRefusedWithTheRuleAndTheFix() {
        ConfigurationException relative = assertThrows(ConfigurationException.class, () -> WebhookNotifier.to(URI.create("hooks/agents")));
        assertTrue(relative.getMessage().contains("absolute http or https"), relative.getMessage());
        assertThrows(ConfigurationException.class, () -> WebhookNotifier.to(URI.create("ftp://example.org/x")));
        ConfigurationException attempts = assertThrows(ConfigurationException.class, () -> quick().maxAttempts(0));
        assertTrue(attempts.getMessage().contains("at least 1"), attempts.getMessage());
        assertThrows(ConfigurationException.class, () -> quick().timeout(Duration.ZERO));
        ConfigurationException host = assertThrows(ConfigurationException.class, () -> quick().header("Host", "evil.example"));
        assertTrue(host.getMessage().contains("'Host'") && !host.getMessage().contains("evil"), host.getMessage());
    }
}
