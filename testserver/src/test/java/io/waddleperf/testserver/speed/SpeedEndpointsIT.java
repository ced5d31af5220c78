package io.waddleperf.testserver.speed;

import io.waddleperf.speed.SpeedConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.stats.LatencyStats;
import io.waddleperf.testkit.ResultSchema;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The speed test endpoints of a real test server on loopback: sizes, headers, sinks, config, stored results. */
class SpeedEndpointsIT {

    @TempDir
    Path dataDir;

    private SpeedServer s;

    @BeforeEach
    void start() throws IOException {
        s = new SpeedServer(dataDir, SpeedConfig.defaults());
    }

    @AfterEach
    void stop() {
        s.close();
    }

    @Test
    void download_sends_the_requested_mebibytes_uncompressed_with_cors_and_no_store() throws Exception {
        HttpResponse<Long> r = s.count("/speedtest/download?size=3", "Accept-Encoding", "gzip, br");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(3L << 20);
        assertThat(r.headers().firstValue("Content-Length")).contains(Long.toString(3L << 20));
        assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/octet-stream"));
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(r.headers().firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v).contains("no-store"));
        assertThat(s.count("/speedtest/download").body()).isEqualTo(10L << 20);
    }

    @Test
    void download_bodies_are_random_not_compressible() throws Exception {
        byte[] body = s.get("/garbage?ckSize=1").body();
        java.util.zip.Deflater d = new java.util.zip.Deflater();
        d.setInput(body);
        d.finish();
        byte[] out = new byte[body.length * 2];
        int compressed = d.deflate(out);
        assertThat(compressed).isGreaterThan(body.length * 99 / 100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/garbage", "/garbage.php", "/backend/garbage", "/backend/garbage.php"})
    void librespeed_garbage_sends_ck_size_chunks_of_one_mebibyte_on_every_path(String path) throws Exception {
        HttpResponse<Long> r = s.count(path + "?ckSize=2&r=0.123&cors=true");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(2L << 20);
        assertThat(r.headers().firstValue("Content-Disposition")).contains("attachment; filename=random.dat");
        assertThat(s.count(path).body()).as("default ckSize 4").isEqualTo(4L << 20);
    }

    /** LibreSpeed's backend/garbage.php never refuses a ckSize: odd values mean 4 chunks, large ones 1024. */
    @ParameterizedTest
    @CsvSource({"/garbage?ckSize=1025, 1024", "/garbage?ckSize=0, 4", "/garbage?ckSize=-5, 4",
            "/backend/garbage.php?ckSize=abc, 4", "/garbage?ckSize=99999999999999999999, 1024"})
    void odd_ck_size_is_mapped_as_librespeeds_backend_does(String path, long chunks) throws Exception {
        HttpResponse<InputStream> r = s.http.send(HttpRequest.newBuilder(s.uri(path)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Length")).contains(Long.toString(chunks << 20));
            assertThat(in.readNBytes(1 << 20)).hasSize(1 << 20);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "101", "-1", "1e9", "ten"})
    void absurd_download_size_is_a_clear_400_naming_it(String size) throws Exception {
        HttpResponse<String> r = s.getText("/speedtest/download?size=" + size);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(r.body()).path("field").asText()).isEqualTo("size");
    }

    @Test
    void upload_counts_and_discards_the_body() throws Exception {
        byte[] body = new byte[5 << 20];
        HttpResponse<String> r = s.post("/speedtest/upload", body, "Content-Type", "application/octet-stream");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode json = Json.mapper().readTree(r.body());
        assertThat(json.path("success").asBoolean()).isTrue();
        assertThat(json.path("bytes_received").asLong()).isEqualTo(5L << 20);
        assertThat(json.path("throughput_mbps").asDouble()).isPositive();
        assertThat(json.path("duration_ms").asDouble()).isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/empty", "/empty.php", "/backend/empty", "/backend/empty.php"})
    void librespeed_empty_drains_posts_and_answers_pings_with_an_empty_200(String path) throws Exception {
        HttpResponse<String> post = s.post(path + "?cors=true&r=1", new byte[3 << 20]);
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body()).isEmpty();
        HttpResponse<String> ping = s.getText(path);
        assertThat(ping.statusCode()).isEqualTo(200);
        assertThat(ping.body()).as("librespeed-cli's IsUp wants an empty body").isEmpty();
    }

    @Test
    void cors_preflight_is_answered() throws Exception {
        HttpResponse<String> r = s.http.send(HttpRequest.newBuilder(s.uri("/backend/empty.php"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://example.org").header("Access-Control-Request-Method", "POST").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(v -> assertThat(v).contains("POST"));
    }

    @Test
    void ping_and_info_answer_json() throws Exception {
        JsonNode ping = Json.mapper().readTree(s.getText("/speedtest/ping").body());
        assertThat(ping.path("pong").asBoolean()).isTrue();
        assertThat(ping.path("timestamp").asLong()).isPositive();
        JsonNode info = Json.mapper().readTree(s.getText("/speedtest/info").body());
        assertThat(info.path("download_size_mib").path("max").asInt()).isEqualTo(100);
        assertThat(info.path("client_ip").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void responsiveness_config_names_the_urls_in_both_spellings_and_they_work() throws Exception {
        HttpResponse<String> r = s.getText("/.well-known/nq");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode urls = Json.mapper().readTree(r.body()).path("urls");
        String base = "http://127.0.0.1:" + s.server.httpPort();
        assertThat(urls.path("small_download_url").asText()).isEqualTo(base + "/nq/small");
        assertThat(urls.path("small_https_download_url").asText()).isEqualTo(base + "/nq/small");
        assertThat(urls.path("large_download_url").asText()).isEqualTo(urls.path("large_https_download_url").asText());
        assertThat(urls.path("upload_url").asText()).isEqualTo(urls.path("https_upload_url").asText());
        assertThat(Json.mapper().readTree(r.body()).path("version").asInt()).isEqualTo(1);

        HttpResponse<byte[]> small = s.get("/nq/small");
        assertThat(small.body()).hasSize(1);
        assertThat(s.post("/nq/upload", new byte[1 << 20]).statusCode()).isEqualTo(200);

        HttpResponse<InputStream> large = s.http.send(HttpRequest.newBuilder(s.uri("/nq/large")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(large.headers().firstValueAsLong("Content-Length")).hasValue(8L << 30);
        try (InputStream in = large.body()) {
            assertThat(in.readNBytes(4 << 20)).hasSize(4 << 20);
        }
    }

    @Test
    void stores_a_browser_result_with_the_callers_ip() throws Exception {
        HttpResponse<String> r = s.post("/speedtest/result",
                "{\"download_mbps\": 93.5, \"upload_mbps\": \"41.2\", \"ping\": 12.5, \"jitter\": 1.5}".getBytes(),
                "Content-Type", "application/json");
        assertThat(r.statusCode()).isEqualTo(201);
        String spec = "{\"test_type\":\"speedtest\",\"target\":\"http://127.0.0.1/\",\"started_at\":\"2026-11-27T10:00:00Z\","
                + "\"duration_ms\":25000,\"success\":true,\"source\":\"cli\",\"download_mbps\":500.0,\"rpm\":null}";
        assertThat(s.post("/speedtest/result", spec.getBytes()).statusCode()).isEqualTo(201);

        List<String> lines = Files.readAllLines(dataDir.resolve(BrowserResultFile.FILE_NAME));
        assertThat(lines).hasSize(2);
        JsonNode first = Json.mapper().readTree(lines.get(0));
        assertThat(first.path("client_ip").asText()).isEqualTo("127.0.0.1");
        ProbeResult stored = Json.mapper().treeToValue(first.path("result"), ProbeResult.class);
        ResultSchema.assertValid(stored);
        assertThat(stored.downloadMbps()).isEqualTo(93.5);
        assertThat(stored.uploadMbps()).isEqualTo(41.2);
        assertThat(stored.latencyMs()).isEqualTo(12.5);
        ProbeResult second = Json.mapper().treeToValue(Json.mapper().readTree(lines.get(1)).path("result"), ProbeResult.class);
        ResultSchema.assertValid(second);
        assertThat(second.source().wireName()).isEqualTo("browser");
        assertThat(second.downloadMbps()).isEqualTo(500.0);
    }

    /**
     * A kept result can be found again: the answer to the post names its URL (and Location) and the file it is kept
     * in, the URL gives the result back without the caller's IP, also after the file rotated once; an unknown id is a
     * 404 and a malformed one a 400, each naming the field.
     */
    @Test
    void a_kept_result_is_fetched_again_by_the_url_its_post_answered() throws Exception {
        s.close();
        s = new SpeedServer(io.waddleperf.testserver.LoopbackConfig.of(dataDir, "auth_disabled", "true",
                "speed.results_max_bytes", "4096"));
        HttpResponse<String> posted = s.post("/speedtest/result", BROWSER_RESULT.formatted("", "").getBytes());
        assertThat(posted.statusCode()).isEqualTo(201);
        JsonNode answer = Json.mapper().readTree(posted.body());
        String id = answer.path("id").asText();
        assertThat(answer.path("url").asText()).isEqualTo("/speedtest/result/" + id);
        assertThat(posted.headers().firstValue("Location")).contains("/speedtest/result/" + id);
        assertThat(answer.path("stored_in").asText()).isEqualTo(BrowserResultFile.FILE_NAME);

        HttpResponse<String> fetched = s.getText(answer.path("url").asText());
        assertThat(fetched.statusCode()).isEqualTo(200);
        JsonNode result = Json.mapper().readTree(fetched.body());
        assertThat(result.path("id").asText()).isEqualTo(id);
        assertThat(result.path("download_mbps").asDouble()).isEqualTo(500.0);
        assertThat(fetched.body()).doesNotContain("client_ip", "127.0.0.1\"");
        ResultSchema.assertValid(Json.mapper().treeToValue(result, ProbeResult.class));

        // enough later results to push the first into the rotated file
        while (!Files.exists(dataDir.resolve(BrowserResultFile.FILE_NAME + ".1"))) {
            assertThat(s.post("/speedtest/result", BROWSER_RESULT.formatted("", "").getBytes()).statusCode()).isEqualTo(201);
        }
        assertThat(Files.readString(dataDir.resolve(BrowserResultFile.FILE_NAME))).doesNotContain(id);
        assertThat(s.getText("/speedtest/result/" + id).statusCode()).isEqualTo(200);

        HttpResponse<String> unknown = s.getText("/speedtest/result/" + java.util.UUID.randomUUID());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Json.mapper().readTree(unknown.body()).path("field").asText()).isEqualTo("id");
        assertThat(unknown.body()).contains(BrowserResultFile.FILE_NAME);
        HttpResponse<String> malformed = s.getText("/speedtest/result/not-an-id");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(malformed.body()).path("field").asText()).isEqualTo("id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[1,2]", "{}", "{\"download_mbps\": -3}", "{\"download_mbps\": \"fast\"}",
            "{\"test_type\":\"tcp\",\"target\":\"x\"}"})
    void refuses_a_malformed_result_with_400(String body) throws Exception {
        assertThat(s.post("/speedtest/result", body.getBytes()).statusCode()).isEqualTo(400);
        assertThat(dataDir.resolve(BrowserResultFile.FILE_NAME)).doesNotExist();
    }

    private static final String BROWSER_RESULT = "{\"test_type\":\"speedtest\",\"target\":\"http://127.0.0.1/\","
            + "\"started_at\":\"2026-12-05T10:00:00Z\",\"duration_ms\":25000,\"success\":true,\"source\":\"browser\","
            + "\"download_mbps\":500.0,%s\"raw_results\":{\"user_agent\":\"test\"%s}}";

    @Test
    void computes_a_browser_results_latency_figures_from_its_samples_not_from_the_browsers_figures() throws Exception {
        double[] samples = {12.345678, 11.2, 13.9, 12.0001, 40.5, 11.9, 12.1, 12.2, 11.95, 12.05};
        // figures a browser with other definitions (n - 1 stddev, nearest-rank p95, a different jitter) would send
        String claimed = "\"latency_ms\":1,\"min_latency_ms\":1,\"max_latency_ms\":1,\"p50_latency_ms\":1,"
                + "\"p95_latency_ms\":40.5,\"stddev_latency_ms\":9.3,\"jitter_ms\":99,\"ipdv_ms\":99,";
        String list = java.util.Arrays.stream(samples).mapToObj(Double::toString)
                .collect(java.util.stream.Collectors.joining(","));
        String body = BROWSER_RESULT.formatted(claimed, ",\"latency_samples_ms\":[" + list + "]");
        assertThat(s.post("/speedtest/result", body.getBytes()).statusCode()).isEqualTo(201);

        List<String> lines = Files.readAllLines(dataDir.resolve(BrowserResultFile.FILE_NAME));
        ProbeResult stored = Json.mapper().treeToValue(Json.mapper().readTree(lines.getFirst()).path("result"),
                ProbeResult.class);
        ResultSchema.assertValid(stored);
        LatencyStats expected = LatencyStats.of(samples).roundedToMicroseconds();
        assertThat(stored.latencyMs()).isEqualTo(expected.avgMs());
        assertThat(stored.minLatencyMs()).isEqualTo(11.2);
        assertThat(stored.maxLatencyMs()).isEqualTo(40.5);
        assertThat(stored.p50LatencyMs()).isEqualTo(expected.p50Ms()).isEqualTo(12.075);
        assertThat(stored.p95LatencyMs()).isEqualTo(expected.p95Ms()).isLessThan(40.5);
        assertThat(stored.p99LatencyMs()).isEqualTo(expected.p99Ms());
        assertThat(stored.stddevLatencyMs()).isEqualTo(expected.stddevMs());
        assertThat(stored.jitterMs()).isEqualTo(expected.jitterMs());
        assertThat(stored.ipdvMs()).isEqualTo(expected.ipdvMs());
        assertThat(stored.downloadMbps()).isEqualTo(500.0);
        assertThat(stored.rawResults()).containsKey("latency_samples_ms");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"latency_ms\":12,|", "|,\"latency_samples_ms\":[]", "|,\"latency_samples_ms\":\"12\"",
            "|,\"latency_samples_ms\":[1,-2]", "|,\"latency_samples_ms\":[1,\"2\"]", "|,\"latency_samples_ms\":[1,null]",
            "|,\"latency_samples_ms\":[1,1e999]", "|,\"latency_samples_ms\":%1001"})
    void refuses_latency_samples_it_cannot_use_with_400_naming_the_field(String variant) throws Exception {
        String[] parts = variant.split("\\|", -1);
        String samples = parts[1].replace("%1001", "[" + "1,".repeat(1000) + "1]");
        HttpResponse<String> r = s.post("/speedtest/result", BROWSER_RESULT.formatted(parts[0], samples).getBytes());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(Json.mapper().readTree(r.body()).path("field").asText()).isEqualTo("raw_results.latency_samples_ms");
        assertThat(dataDir.resolve(BrowserResultFile.FILE_NAME)).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"duration_ms\":1e400,||duration_ms",
            "|,\"chunks\":[1,{\"bytes\":-1e400}]|raw_results.chunks[1].bytes"})
    void refuses_a_number_too_large_for_a_double_anywhere_in_a_result_object(String variant) throws Exception {
        // a figure read as infinity would be stored as the string "Infinity" and read back as another result
        String[] parts = variant.split("\\|", -1);
        String body = BROWSER_RESULT.replace("\"duration_ms\":25000,", "").formatted(parts[0], parts[1]);
        HttpResponse<String> r = s.post("/speedtest/result", body.getBytes());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(Json.mapper().readTree(r.body()).path("field").asText())
                .isEqualTo(parts[2]);
        assertThat(dataDir.resolve(BrowserResultFile.FILE_NAME)).doesNotExist();
    }

    @Test
    void keeps_a_browser_result_without_latency_when_it_sends_neither_figures_nor_samples() throws Exception {
        assertThat(s.post("/speedtest/result", BROWSER_RESULT.formatted("", "").getBytes()).statusCode()).isEqualTo(201);
        ProbeResult stored = Json.mapper().treeToValue(Json.mapper().readTree(
                Files.readAllLines(dataDir.resolve(BrowserResultFile.FILE_NAME)).getFirst()).path("result"), ProbeResult.class);
        assertThat(stored.latencyMs()).isNull();
        assertThat(stored.stddevLatencyMs()).isNull();
    }
}
