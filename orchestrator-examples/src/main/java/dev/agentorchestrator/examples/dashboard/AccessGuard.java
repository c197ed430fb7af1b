package dev.agentorchestrator.examples.dashboard;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Who may use the dashboard: whoever holds its token, either in the session cookie the page got
 * when it was opened with {@code ?token=}, or as {@code Authorization: Bearer} (scripts, the
 * command line). State-changing requests also need the CSRF value the page was served with, in a
 * header a cross-site form or image cannot set.
 */
final class AccessGuard {

    /** The header a state-changing request carries its CSRF value in. */
    static final String CSRF_HEADER = "X-Dashboard-CSRF";

    /**
     * No inline script or style, nothing from elsewhere, never framed. The page's own script and
     * stylesheet come from this origin; the event stream and actions go to it.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] token;
    private final String csrf;
    private final String cookieName;

    AccessGuard(String token, int port) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.csrf = randomToken();
        // Cookies are shared by every port of a host, so two dashboards on one machine need two names.
        this.cookieName = "ao_dashboard_" + port;
    }

    /** 32 random bytes, URL-safe Base64 without padding. */
    static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The value the page must echo in {@link #CSRF_HEADER}. */
    String csrf() {
        return csrf;
    }

    /** True when the request carries the token in the cookie or as a bearer token. */
    boolean authorized(HttpExchange exchange) {
        Headers headers = exchange.getRequestHeaders();
        String authorization = headers.getFirst("Authorization");
        if (authorization != null && authorization.startsWith("Bearer ") && matches(authorization.substring(7).trim())) {
            return true;
        }
        return cookie(headers).map(this::matches).orElse(false);
    }

    /** True when {@code candidate} is the token, compared in constant time. */
    boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
    }

    /** True when a state-changing request carries the CSRF value. */
    boolean csrfHeaderValid(HttpExchange exchange) {
        String value = exchange.getRequestHeaders().getFirst(CSRF_HEADER);
        return value != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    /** The Set-Cookie value that keeps the token after the page dropped it from its address. */
    String setCookie() {
        return cookieName + "=" + new String(token, StandardCharsets.UTF_8) + "; Path=/; HttpOnly; SameSite=Strict";
    }

    private Optional<String> cookie(Headers headers) {
        List<String> cookies = headers.get("Cookie");
        if (cookies == null) {
            return Optional.empty();
        }
        for (String header : cookies) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(cookieName)) {
                    return Optional.of(pair.substring(eq + 1).trim());
                }
            }
        }
        return Optional.empty();
    }

    /** Headers every response gets, whatever it is. */
    static void secureHeaders(Headers headers) {
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        // The first address holds the token: never send it anywhere in a Referer.
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cache-Control", "no-store");
    }
}
