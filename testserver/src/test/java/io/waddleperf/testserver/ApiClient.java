package io.waddleperf.testserver;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The JDK HTTP client pointed at a test server on loopback, for the integration tests. */
final class ApiClient {

    static final String KEY = "it-key-0123456789abcdef";

    /** A response with its body parsed as JSON (null when the body is not JSON). */
    record Answer(int status, String body, JsonNode json, HttpResponse<String> raw) {
        String field() {
            return json == null || !json.has("field") ? null : json.get("field").asText();
        }

        String error() {
            return json == null || !json.has("error") ? null : json.get("error").asText();
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    ApiClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    /** POSTs {@code body} as JSON with the test key. */
    Answer test(String type, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/v1/test/" + type))
                .header("Content-Type", "application/json")
                .header("Authorization", "ApiKey " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b);
    }

    Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = Json.mapper().readTree(r.body());
            } catch (IOException e) {
                json = null;
            }
            return new Answer(r.statusCode(), r.body(), json, r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    URI uri(String path) {
        return URI.create(base + path);
    }
}
