package dev.agentorchestrator.examples.dashboard;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import dev.agentorchestrator.ConfigurationException;
import dev.agentorchestrator.Orchestrator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token, the cookie, the CSRF header and the headers every response carries. */
class DashboardSecurityTest {

    private static final List<String> GUARDED = List.of("/", "/dashboard/state", "/dashboard/events",
            "/dashboard/assets/dashboard.js", "/dashboard/transcript?session=x", "/dashboard/diff?session=x",
            "/dashboard/nowhere", "/favicon.ico");

    @TempDir
    Path tmp;
    Orchestrator orchestrator;
    Dashboard dashboard;
    TestHttp http;

    @BeforeEach
    void start() {
        DashboardFixture fixture = new DashboardFixture(tmp);
        orchestrator = fixture.builder().start();
        dashboard = Dashboard.start(orchestrator, DashboardOptions.defaults());
        http = new TestHttp(dashboard);
    }

    @AfterEach
    void stop() {
        dashboard.close();
        orchestrator.close();
    }

    @Test
    void everyRouteRefusesARequestWithoutTheTokenOrWithAWrongOne() {
        for (String path : GUARDED) {
            assertEquals(403, http.send(http.request(path).GET()).statusCode(), path + " without a token");
            assertEquals(403, http.send(http.request(path).header("Authorization", "Bearer wrong-token-0123456789").GET())
                    .statusCode(), path + " with a wrong bearer token");
            assertEquals(403, http.send(http.request(path).header("Cookie", "ao_dashboard_" + dashboard.port() + "=nope").GET())
                    .statusCode(), path + " with a wrong cookie");
        }
        assertEquals(403, http.send(http.request("/?token=not-the-token-at-all").GET()).statusCode());
        assertEquals(403, http.send(http.request("/dashboard/actions/stop").POST(HttpRequest.BodyPublishers.ofString("{}")))
                .statusCode());
        assertEquals(200, http.get("/dashboard/state").statusCode(), "the bearer token is accepted");
    }

    @Test
    void theTokenInTheAddressBecomesAnHttpOnlyStrictCookieAndIsTakenOutOfTheAddress() {
        assertTrue(dashboard.url().toString().endsWith("/?token=" + dashboard.token()), dashboard.url().toString());
        assertTrue(dashboard.token().length() >= 43, "32 random bytes in URL-safe Base64");
        HttpResponse<String> first = http.send(http.request("/?token=" + dashboard.token()).GET());
        assertEquals(303, first.statusCode());
        assertEquals("/", first.headers().firstValue("Location").orElseThrow());
        String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith("ao_dashboard_" + dashboard.port() + "=" + dashboard.token() + ";"), cookie);
        assertTrue(cookie.contains("HttpOnly"), cookie);
        assertTrue(cookie.contains("SameSite=Strict"), cookie);

        String pair = cookie.substring(0, cookie.indexOf(';'));
        HttpResponse<String> page = http.send(http.request("/").header("Cookie", "other=1; " + pair).GET());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("/dashboard/assets/dashboard.js"));
        assertFalse(page.body().contains("{{csrf}}"), "the CSRF value is filled in");
    }

    @Test
    void everyResponseForbidsInlineScriptFramingAndSniffing() {
        for (HttpResponse<String> response : List.of(http.get("/"), http.get("/dashboard/state"),
                http.get("/dashboard/assets/dashboard.css"), http.send(http.request("/").GET()), http.get("/dashboard/nowhere"))) {
            String csp = response.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertTrue(csp.contains("default-src 'none'"), csp);
            assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), csp);
            assertTrue(csp.contains("style-src 'self'"), csp);
            assertTrue(csp.contains("frame-ancestors 'none'"), csp);
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElseThrow());
            assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElseThrow());
        }
        String page = http.get("/").body();
        assertFalse(page.contains("<script>") || page.contains("style="), "no inline script or style in the page");
        assertEquals("text/javascript; charset=utf-8",
                http.get("/dashboard/assets/dashboard.js").headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void anActionNeedsPostAndTheCsrfHeader() {
        orchestrator.addFeature("held", "HOLD please");
        DashboardFixture.awaitState(orchestrator, "held", dev.agentorchestrator.SessionState.RUNNING);
        String body = "{\"session\":\"held\"}";
        assertEquals(405, http.get("/dashboard/actions/stop").statusCode());
        assertEquals(403, http.send(http.authorized("/dashboard/actions/stop").POST(HttpRequest.BodyPublishers.ofString(body)))
                .statusCode(), "no CSRF header");
        HttpResponse<String> wrong = http.send(http.authorized("/dashboard/actions/stop")
                .header(AccessGuard.CSRF_HEADER, "guess").POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(403, wrong.statusCode());
        assertTrue(TestHttp.json(wrong).path("error").asText().contains(AccessGuard.CSRF_HEADER));
        assertNotEquals(dev.agentorchestrator.SessionState.STOPPED, orchestrator.session("held").state(),
                "refused requests change nothing");

        HttpResponse<String> stopped = http.action("stop", body);
        assertEquals(200, stopped.statusCode(), stopped.body());
        assertEquals("STOPPED", TestHttp.json(stopped).path("sessionState").path("state").asText(), stopped.body());
        assertEquals(dev.agentorchestrator.SessionState.STOPPED, orchestrator.session("held").state());
    }

    @Test
    void noRouteTurnsARequestIntoAPath() {
        for (String name : List.of("../../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "/etc/passwd", "x/../../y")) {
            HttpResponse<String> transcript = http.get("/dashboard/transcript?session=" + name);
            assertEquals(404, transcript.statusCode(), name);
            assertTrue(TestHttp.json(transcript).path("error").asText().startsWith("There is no session"), transcript.body());
            assertEquals(404, http.get("/dashboard/diff?session=" + name).statusCode(), name);
        }
        assertEquals(404, http.get("/dashboard/assets/../../../../etc/passwd").statusCode());
        assertEquals(404, http.get("/dashboard/assets/Dashboard.class").statusCode());
    }

    @Test
    void listeningBeyondLoopbackNeedsAnExplicitOption() throws Exception {
        InetAddress any = InetAddress.getByName("0.0.0.0");
        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> DashboardOptions.defaults().withBindAddress(any, false));
        assertTrue(refused.getMessage().contains("withBindAddress(address, true)"), refused.getMessage());
        assertThrows(ConfigurationException.class, () -> DashboardOptions.defaults().withToken("short"));

        HttpServer open = HttpServer.create(new InetSocketAddress(any, 0), 0);
        try {
            assertThrows(ConfigurationException.class, () -> Dashboard.attach(open, orchestrator, DashboardOptions.defaults()));
        } finally {
            open.stop(0);
        }
    }

    @Test
    void attachedToAnEngineServerItLeavesApiToTheHostAndUsesTheHostsToken() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/", exchange -> {
            byte[] body = "host api".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        String hostToken = "engine-process-token-0123456789";
        try (Dashboard attached = Dashboard.attach(server, orchestrator, DashboardOptions.defaults().withToken(hostToken))) {
            TestHttp attachedHttp = new TestHttp(attached);
            assertEquals(hostToken, attached.token());
            assertEquals(server.getAddress().getPort(), attached.port());
            assertEquals("host api", attachedHttp.send(attachedHttp.request("/api/status").GET()).body());
            assertEquals(200, attachedHttp.get("/dashboard/state").statusCode());
            assertEquals(403, attachedHttp.send(attachedHttp.request("/dashboard/state").GET()).statusCode());
            attached.close();
            assertEquals(404, attachedHttp.get("/dashboard/state").statusCode(), "closing removes the dashboard's routes");
            assertEquals("host api", attachedHttp.send(attachedHttp.request("/api/status").GET()).body(), "and leaves the host's");
        } finally {
            server.stop(0);
        }
    }
}
