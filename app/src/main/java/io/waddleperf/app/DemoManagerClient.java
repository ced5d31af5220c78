package io.waddleperf.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The demo's side of the manager's HTTP API (docs/MANAGER.md): it sets the platform up the way an operator would
 * (log in, make an OU and an enrolment secret) and reads back what the agent delivered, so a demo that works shows
 * that the public API works, not that the demo found a way around it.
 */
final class DemoManagerClient implements AutoCloseable {

    /** Every call is bounded: a demo that waits forever on its own manager is worse than one that says why it failed. */
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final URI base;
    private final String username;
    private final String password;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private String token;

    DemoManagerClient(URI base, String username, String password) {
        this.base = base;
        this.username = username;
        this.password = password;
    }

    /** A call the manager refused, with its status and its {@code error} text. */
    static final class ApiCallException extends IOException {
        final int status;

        ApiCallException(String what, int status, String error) {
            super(what + ": HTTP " + status + (error == null ? "" : " (" + error + ")"));
            this.status = status;
        }
    }

    void login() throws IOException, InterruptedException {
        JsonNode answer = send("POST", "/api/v1/auth/login", Json.write(Map.of("username", username, "password", password)), false);
        token = answer.get("token").asText();
    }

    /** The id of the OU of that name, made when it does not exist yet (a kept --data-dir has it from the last run). */
    String organization(String name, String description) throws IOException, InterruptedException {
        for (JsonNode ou : call("GET", "/api/v1/organizations", null)) {
            if (name.equals(ou.path("name").asText())) {
                return ou.get("id").asText();
            }
        }
        return call("POST", "/api/v1/organizations", Json.write(Map.of("name", name, "description", description)))
                .get("id").asText();
    }

    /** A new enrolment secret of the OU ({@code wpe_…}), which the manager shows this once. */
    String enrollmentSecret(String ouId, String name) throws IOException, InterruptedException {
        return call("POST", "/api/v1/enrollment/secrets/" + ouId, Json.write(Map.of("name", name))).get("secret").asText();
    }

    /** The newest results a device delivered (at most {@code limit}), newest first. */
    JsonNode deviceResults(String deviceSerial, int limit) throws IOException, InterruptedException {
        return call("GET", "/api/v1/results?limit=" + limit + "&device_serial="
                + URLEncoder.encode(deviceSerial, StandardCharsets.UTF_8), null);
    }

    /** The statistics summary of the last 24 hours, what the dashboard draws. */
    JsonNode summary() throws IOException, InterruptedException {
        return call("GET", "/api/v1/statistics/summary", null);
    }

    /** An authenticated call; a session that ran out (the demo may run for days) is renewed once. */
    private JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
        if (token == null) {
            login();
        }
        try {
            return send(method, path, body, true);
        } catch (ApiCallException e) {
            if (e.status != 401) {
                throw e;
            }
            login();
            return send(method, path, body, true);
        }
    }

    private JsonNode send(String method, String path, String body, boolean authenticated)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (authenticated) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = r.body().isEmpty() ? Json.mapper().missingNode() : Json.mapper().readTree(r.body());
        if (r.statusCode() / 100 != 2) {
            throw new ApiCallException(method + " " + path.replaceFirst("\\?.*", ""), r.statusCode(),
                    answer.path("error").isTextual() ? answer.get("error").asText() : null);
        }
        return answer;
    }

    @Override
    public void close() {
        http.close();
    }
}
