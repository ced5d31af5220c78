package io.waddleperf.device;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.Device;
import io.waddleperf.core.result.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The calls a device (test server, agent) makes to the manager's API, over the JDK's HTTP client: enrol, heartbeat,
 * fetch its agent configuration, check a key, upload results. Each returns the manager's answer; a network failure is an {@link IOException}.
 */
public final class ManagerClient implements AutoCloseable {

    /** Longest answer read from the manager (its answers are small JSON objects). */
    private static final int MAX_ANSWER_BYTES = 1 << 20;

    private final URI base;
    private final Duration timeout;
    private final HttpClient http;

    public ManagerClient(URI base, Duration timeout) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public URI base() {
        return base;
    }

    /**
     * Stops the HTTP client: its selector thread lives until then (or until the client is garbage), which an
     * embedding program that starts and stops components (the demo, tests) would otherwise collect.
     */
    @Override
    public void close() {
        http.close();
    }

    /**
     * An answer of the manager.
     *
     * @param status HTTP status
     * @param body   the body parsed as JSON (an empty object when it is not JSON)
     */
    public record Answer(int status, JsonNode body) {
        public boolean ok() {
            return status / 100 == 2;
        }

        /** The manager's {@code error} text, or the status. */
        public String error() {
            JsonNode e = body.get("error");
            return e != null && e.isTextual() ? e.asText() : "HTTP " + status;
        }
    }

    /** {@code POST /api/v1/enrollment/enroll}: enrols this machine as a device of {@code device}'s client type. */
    public Answer enroll(String secret, Device device) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("secret", secret);
        body.put("device_serial", device.serial());
        body.put("device_hostname", device.hostname());
        body.put("device_os", cut(device.os(), 64));
        body.put("device_os_version", cut(device.osVersion(), 64));
        body.put("client_type", device.clientType());
        body.put("client_version", cut(device.clientVersion(), 64));
        return send("POST", "/api/v1/enrollment/enroll", null, Json.write(body));
    }

    /** {@code POST /api/v1/enrollment/devices/<id>/heartbeat}. */
    public Answer heartbeat(String credential, String deviceId) throws IOException {
        return send("POST", "/api/v1/enrollment/devices/" + deviceId + "/heartbeat", credential, null);
    }

    /** {@code GET /api/v1/enrollment/config}: the agent configuration the manager has for this device. */
    public Answer config(String credential) throws IOException {
        return send("GET", "/api/v1/enrollment/config", credential, null);
    }

    /** {@code POST /api/v1/auth/introspect}: is this user key or token valid? */
    public Answer introspect(String credential, String token) throws IOException {
        return send("POST", "/api/v1/auth/introspect", credential, Json.write(Map.of("token", token)));
    }

    /** {@code POST /api/v1/results} with a JSON array of result objects. */
    public Answer upload(String credential, String jsonArray) throws IOException {
        return send("POST", "/api/v1/results", credential, jsonArray);
    }

    private Answer send(String method, String path, String credential, String json) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("Accept", "application/json");
        if (credential != null) {
            b.header("Authorization", "Bearer " + credential);
        }
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        HttpResponse<java.io.InputStream> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while calling the manager", e);
        }
        byte[] bytes;
        try (var in = r.body()) {
            bytes = in.readNBytes(MAX_ANSWER_BYTES);
        }
        JsonNode body;
        try {
            body = bytes.length == 0 ? Json.mapper().createObjectNode() : Json.mapper().readTree(bytes);
        } catch (IOException e) {
            body = Json.mapper().createObjectNode();
        }
        return new Answer(r.statusCode(), body == null ? Json.mapper().createObjectNode() : body);
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
