package io.waddleperf.testserver.speed;

import io.waddleperf.speed.LibreSpeedApi;
import io.waddleperf.speed.SpeedConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The requests LibreSpeed's own web client (librespeed/speedtest v6.2.1, {@code speedtest_worker.js}) sends from a
 * page on another origin, byte for byte as headless Chromium sent them in the check described in docs/ACCURACY.md
 * ("LibreSpeed's web client against this server"): query strings in the worker's order, an {@code Origin} header,
 * uploads as an untyped Blob with {@code Content-Encoding: identity} (which makes Chromium send a preflight).
 * The browser only lets the worker see a response, error or not, that carries {@code Access-Control-Allow-Origin}.
 */
class LibreSpeedWebClientIT {

    /** The page's origin in the browser check: a static server on another loopback port. */
    private static final String ORIGIN = "http://127.0.0.1:52661";

    @TempDir
    Path dataDir;

    private SpeedServer s;

    @AfterEach
    void stop() {
        if (s != null) {
            s.close();
        }
    }

    /**
     * {@code garbagePhp_chunkSize} is passed through verbatim; LibreSpeed's PHP and Go backends serve 1024 chunks for
     * anything larger. Refusing it made the worker re-request in a tight loop (2381 requests in 15 s, 0.00 Mbit/s).
     */
    @Test
    void a_chunk_size_above_the_maximum_is_served_as_the_maximum() throws Exception {
        s = new SpeedServer(dataDir, SpeedConfig.defaults());
        HttpResponse<InputStream> r = s.http.send(HttpRequest.newBuilder(
                        s.uri("/backend/garbage.php?r=0.36157927571784976&ckSize=2048"))
                .header("Origin", ORIGIN).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Length")).contains(Long.toString(1024L << 20));
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
            assertThat(in.readNBytes(1 << 20)).hasSize(1 << 20);
        }
    }

    /** backend/garbage.php's getChunkCount: not all digits or not positive means 4, more than 1024 means 1024. */
    @ParameterizedTest
    @CsvSource({"0, 4", "-5, 4", "abc, 4", "10MB, 4", "'', 4", "+5, 4", "1, 1", "1024, 1024", "1025, 1024",
            "99999999999999999999, 1024"})
    void chunk_count_follows_librespeeds_backend(String ckSize, int chunks) {
        assertThat(LibreSpeedApi.chunks(ckSize)).isEqualTo(chunks);
        assertThat(LibreSpeedApi.chunks(null)).isEqualTo(4);
    }

    /** The worker's single-server mode: no cors= parameter, so the headers must come regardless of it. */
    @Test
    void the_worker_requests_are_answered_with_cors_and_no_store() throws Exception {
        s = new SpeedServer(dataDir, SpeedConfig.defaults());
        HttpResponse<String> ip = s.getText("/backend/getIP.php?isp=true&distance=km&r=0.2356279867784794",
                "Origin", ORIGIN);
        assertThat(ip.statusCode()).isEqualTo(200);
        assertThat(ip.body()).isEqualTo("{\"processedString\":\"127.0.0.1 - localhost IPv4 access\",\"rawIspInfo\":\"\"}");
        HttpResponse<String> ping = s.getText("/backend/empty.php?r=0.3767013907110828", "Origin", ORIGIN);
        assertThat(ping.statusCode()).isEqualTo(200);
        assertThat(ping.body()).isEmpty();
        // Chromium's preflight for the upload: the worker sets Content-Encoding: identity
        HttpResponse<String> preflight = s.http.send(HttpRequest.newBuilder(s.uri("/backend/empty.php?r=0.51"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-encoding").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isBetween(200, 299);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
                .contains("content-encoding");
        HttpResponse<String> upload = s.post("/backend/empty.php?r=0.8310453090510364", new byte[20 << 20],
                "Origin", ORIGIN, "Content-Encoding", "identity");
        assertThat(upload.statusCode()).isEqualTo(200);
        assertThat(upload.body()).isEmpty();
        for (HttpResponse<?> r : List.of(ip, ping, upload)) {
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
            assertThat(r.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        }
    }

    /**
     * A refusal the worker cannot read is a network error to it, which it answers by re-requesting at once; with the
     * CORS header it at least gets the status (and a person the reason, in the browser's tools).
     */
    @Test
    void refusals_carry_cors_headers_so_the_browser_hands_them_to_the_worker() throws Exception {
        s = new SpeedServer(dataDir, SpeedConfig.defaults().withStreams(1, 10));
        List<InputStream> held = new ArrayList<>();
        try {
            HttpResponse<InputStream> first = s.http.send(HttpRequest.newBuilder(
                            s.uri("/backend/garbage.php?r=0.1&ckSize=100")).header("Origin", ORIGIN).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            held.add(first.body());
            assertThat(first.statusCode()).isEqualTo(200);
            HttpResponse<String> download = s.getText("/backend/garbage.php?r=0.2&ckSize=100", "Origin", ORIGIN);
            HttpResponse<String> upload = s.post("/backend/empty.php?r=0.3", new byte[1024],
                    "Origin", ORIGIN, "Content-Encoding", "identity");
            for (HttpResponse<String> r : List.of(download, upload)) {
                assertThat(r.statusCode()).isEqualTo(429);
                assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
            }
        } finally {
            for (InputStream in : held) {
                in.close();
            }
        }
        HttpResponse<String> badDistance = s.getText("/getIP?isp=true&distance=parsecs&r=0.4", "Origin", ORIGIN);
        assertThat(badDistance.statusCode()).isEqualTo(400);
        assertThat(badDistance.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    }

    /** The byte quota refusal resets the response before the body starts, which must not drop the CORS header. */
    @Test
    void the_byte_quota_refusal_carries_cors_headers() throws Exception {
        s = new SpeedServer(dataDir, SpeedConfig.defaults().withBytes(2L << 20, Duration.ofHours(1)));
        assertThat(s.count("/backend/garbage.php?r=0.1&ckSize=2", "Origin", ORIGIN).body()).isEqualTo(2L << 20);
        try (SpeedServer fresh = new SpeedServer(s.server)) {
            HttpResponse<String> r = fresh.getText("/backend/garbage.php?r=0.2&ckSize=1", "Origin", ORIGIN);
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        }
    }
}
