package dev.agentorchestrator.examples.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The JDK's HTTP client against one dashboard, with or without its token. */
final class TestHttp {

    static final ObjectMapper JSON = new ObjectMapper();

    final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();
    final Dashboard dashboard;

    TestHttp(Dashboard dashboard) {
        this.dashboard = dashboard;
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + dashboard.port() + pathAndQuery);
    }

    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30));
    }

    HttpRequest.Builder authorized(String pathAndQuery) {
        return request(pathAndQuery).header("Authorization", "Bearer " + dashboard.token());
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String pathAndQuery) {
        return send(authorized(pathAndQuery).GET());
    }

    /** The CSRF value the page is served with, read from the page as a browser would. */
    String csrf() {
        String page = get("/").body();
        int at = page.indexOf("name=\"dashboard-csrf\" content=\"");
        int start = at + "name=\"dashboard-csrf\" content=\"".length();
        return page.substring(start, page.indexOf('"', start));
    }

    HttpResponse<String> action(String verb, String jsonBody) {
        return send(authorized("/dashboard/actions/" + verb).header("Content-Type", "application/json")
                .header(AccessGuard.CSRF_HEADER, csrf()).POST(HttpRequest.BodyPublishers.ofString(jsonBody)));
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
