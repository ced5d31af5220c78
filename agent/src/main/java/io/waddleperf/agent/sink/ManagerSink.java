package io.waddleperf.agent.sink;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.agent.outbox.RejectedException;
import io.waddleperf.agent.outbox.Sink;
import io.waddleperf.agent.outbox.SpooledResult;
import io.waddleperf.core.config.Secret;
import io.waddleperf.core.result.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Delivers batches to a manager's {@code POST /api/v1/results} (docs/MANAGER.md, Ingestion) as one JSON array,
 * authenticated with {@code Authorization: ApiKey <key>}: a user's API key, or the agent's device credential once it
 * has enrolled (until then every batch waits, as while the manager is down). The manager stores each id once and answers only after
 * its database committed, so a batch sent again after a lost answer or a crash is harmless, and a 2xx answer means
 * every result of the batch is stored (or was already). A 400 names the refused result ({@code field} {@code [3].…});
 * a 413 refuses the batch's size: both are rejections, which the outbox resolves one result at a time. Every other
 * answer — 401/403 (an operator can fix the key while results wait), 429, 5xx — and every connection failure is
 * retried.
 */
public final class ManagerSink implements Sink {

    private static final Pattern INDEX = Pattern.compile("^\\[(\\d+)]");

    /** Where the sink gets the credential it sends. */
    public interface Credentials {

        /** The credential to send now; empty while there is none yet (the agent has not enrolled). */
        Optional<String> current();

        /** The manager answered 401 to {@code credential}: a device credential it no longer knows. */
        default void refused(String credential) {
        }

        /** A fixed API key. */
        static Credentials apiKey(Secret key) {
            return () -> Optional.of(key.reveal());
        }
    }

    private final URI endpoint;
    private final Credentials credentials;
    private final int batchSize;
    private final Duration timeout;
    private final HttpClient client;

    public ManagerSink(URI managerUrl, Secret apiKey, int batchSize, Duration timeout) {
        this(managerUrl, Credentials.apiKey(apiKey), batchSize, timeout);
    }

    public ManagerSink(URI managerUrl, Credentials credentials, int batchSize, Duration timeout) {
        String base = managerUrl.toString();
        this.endpoint = URI.create(base.endsWith("/") ? base : base + "/").resolve("api/v1/results");
        this.credentials = credentials;
        this.batchSize = batchSize;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public String name() {
        return "manager";
    }

    @Override
    public int maxBatch() {
        return batchSize;
    }

    @Override
    public void export(List<SpooledResult> batch) throws Exception {
        String credential = credentials.current().orElseThrow(() -> new IOException(
                "not enrolled with the manager yet; results wait in the outbox"));
        StringBuilder body = new StringBuilder(batch.size() * 600).append('[');
        for (int i = 0; i < batch.size(); i++) {
            body.append(i == 0 ? "" : ",").append(batch.get(i).json());
        }
        body.append(']');
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Authorization", "ApiKey " + credential)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        int status = r.statusCode();
        if (status == 200 || status == 201) {
            return;
        }
        String error = error(r.body());
        if (status == 400) {
            throw new RejectedException("the manager refused a result: " + error, index(r.body()));
        }
        if (status == 413) {
            throw new RejectedException("the manager refused a batch of " + batch.size() + " as too large", -1);
        }
        if (status == 401 || status == 403) {
            if (status == 401) {
                credentials.refused(credential);
            }
            throw new IOException("the manager refused the " + (credential.startsWith("wpd_") ? "device credential"
                    : "API key") + " (" + status + " " + error + ")");
        }
        throw new IOException("the manager answered " + status + (error.isEmpty() ? "" : " " + error));
    }

    private static String error(String body) {
        try {
            JsonNode n = Json.mapper().readTree(body);
            JsonNode e = n == null ? null : n.get("error");
            JsonNode f = n == null ? null : n.get("field");
            return (e == null ? "" : e.asText()) + (f == null ? "" : " (field " + f.asText() + ")");
        } catch (IOException e) {
            return body.length() > 200 ? body.substring(0, 200) : body;
        }
    }

    private static int index(String body) {
        try {
            JsonNode f = Json.mapper().readTree(body).get("field");
            Matcher m = f == null ? null : INDEX.matcher(f.asText());
            return m != null && m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
