package io.waddleperf.probes.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.testkit.ResultSchema;
import io.waddleperf.tls.CertificateMaker;
import io.waddleperf.tls.TlsCredentials;
import io.waddleperf.testkit.TlsTestServer;
import io.waddleperf.testkit.TrustFixture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The http probe against a real Javalin/Jetty server on 127.0.0.1 speaking HTTP/1.1, h2 (ALPN) and h2c. */
class HttpProberIT {

    @TempDir
    static Path tmp;

    private static HttpTestServer server;
    private static String caFile;

    @BeforeAll
    static void start() throws IOException {
        TlsCredentials cert = CertificateMaker.server(CertificateMaker.LOOPBACK_NAMES).validFor(Duration.ofDays(30)).selfSigned();
        caFile = Files.writeString(tmp.resolve("ca.pem"), cert.certificatePem()).toString();
        server = new HttpTestServer(cert);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void measures_ordered_phases_over_http1() {
        ProbeResult r = run(server.http() + "/ok", Map.of());

        assertThat(r.success()).as(r.error()).isTrue();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.protocolDetail()).isEqualTo("http/1.1");
        assertThat(server.lastProtocol()).isEqualTo("HTTP/1.1");
        assertThat(r.targetIp()).isEqualTo("127.0.0.1");
        assertThat(r.dnsMs()).isZero(); // an IP literal needs no lookup
        assertThat(r.connectMs()).isNotNull().isGreaterThanOrEqualTo(0.0);
        assertThat(r.tlsMs()).isNull();
        assertThat(r.tlsVersion()).isNull();
        assertThat(r.requestMs()).isNotNull().isGreaterThanOrEqualTo(0.0);
        assertThat(r.transferMs()).isNotNull().isGreaterThanOrEqualTo(0.0);
        assertThat(r.dnsMs()).isLessThanOrEqualTo(r.totalTimeMs());
        assertThat(r.ttfbMs()).isGreaterThanOrEqualTo(r.connectMs() + r.requestMs());
        assertThat(r.totalTimeMs()).isGreaterThanOrEqualTo(r.ttfbMs());
        assertThat(r.latencyMs()).isEqualTo(r.totalTimeMs());
        assertThat(r.receivedBytes()).isEqualTo(3L);
        assertThat(r.rawResults()).containsEntry("redirect_count", 0).containsEntry("final_url", server.http() + "/ok");
        assertThat(attempts(r)).hasSize(1);
    }

    @Test
    void resolves_a_host_name_and_times_the_lookup() {
        ProbeResult r = run(server.http().replace("127.0.0.1", "localhost") + "/ok", Map.of());

        assertThat(r.success()).as(r.error()).isTrue();
        assertThat(r.targetHost()).isEqualTo("localhost");
        assertThat(r.targetIp()).isEqualTo("127.0.0.1");
        assertThat(r.dnsMs()).isNotNull().isGreaterThan(0.0).isLessThanOrEqualTo(r.ttfbMs());
    }

    @Test
    void auto_negotiates_h2_over_tls_by_alpn_and_times_the_handshake() {
        ProbeResult r = run(server.https() + "/ok", Map.of("ca_file", caFile));

        assertThat(r.success()).as(r.error()).isTrue();
        assertThat(r.protocolDetail()).isEqualTo("h2");
        assertThat(server.lastProtocol()).isEqualTo("HTTP/2.0");
        assertThat(r.tlsMs()).isNotNull().isPositive();
        assertThat(r.tlsVersion()).startsWith("TLSv1.");
        assertThat(r.rawResults()).containsEntry("tls_verified", true).containsKey("tls_cipher");
        assertThat(r.ttfbMs()).isGreaterThanOrEqualTo(r.connectMs() + r.tlsMs());
        assertThat(r.totalTimeMs()).isGreaterThanOrEqualTo(r.ttfbMs());
    }

    @Test
    void https_goes_through_openssl_by_default_and_the_jdk_when_asked() {
        for (String protocol : List.of("auto", "http1")) {
            ProbeResult openssl = run(server.https() + "/big", Map.of("ca_file", caFile, "protocol", protocol), 2);
            ProbeResult jsse = run(server.https() + "/big",
                    Map.of("ca_file", caFile, "protocol", protocol, "tls_library", "jsse"), 2);

            for (ProbeResult r : List.of(openssl, jsse)) {
                assertThat(r.success()).as(r.error()).isTrue();
                assertThat(r.receivedBytes()).isEqualTo(2L * 4 * 1024 * 1024);
                assertThat(r.tlsMs()).isNotNull().isPositive();
                assertThat(r.tlsVersion()).isEqualTo("TLSv1.3");
                assertThat(r.protocolDetail()).isEqualTo("auto".equals(protocol) ? "h2" : "http/1.1");
            }
            assertThat((String) openssl.rawResults().get("tls_library")).startsWith("openssl 3.");
            assertThat(jsse.rawResults()).containsEntry("tls_library", "jsse");
            // the same suite either way (IANA names from both libraries)
            assertThat(openssl.rawResults().get("tls_cipher")).isEqualTo(jsse.rawResults().get("tls_cipher"));
        }
        ProbeResult plain = run(server.http() + "/ok", Map.of());
        assertThat(plain.rawResults()).doesNotContainKey("tls_library");
    }

    @Test
    void a_tls_server_that_stalls_after_the_handshake_is_a_timeout() {
        ProbeResult r = ProbeRunner.run(TargetParser.parse(server.https() + "/slow?ms=1500",
                new ProbeOptions(1, null, Duration.ofMillis(400), null, Map.of("ca_file", caFile))), ProbeContext.of(Source.CLI));

        ResultSchema.assertValid(r);
        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("timeout");
        assertThat(r.tlsMs()).isNotNull();
    }

    @Test
    void http1_preference_keeps_tls_on_http1() {
        ProbeResult r = run(server.https() + "/ok", Map.of("ca_file", caFile, "protocol", "http/1.1"));

        assertThat(r.success()).as(r.error()).isTrue();
        assertThat(r.protocolDetail()).isEqualTo("http/1.1");
        assertThat(server.lastProtocol()).isEqualTo("HTTP/1.1");
        assertThat(r.tlsMs()).isNotNull();
    }

    @Test
    void http2_over_cleartext_uses_prior_knowledge() {
        ProbeResult r = run(server.http() + "/ok", Map.of("protocol", "http2"));

        assertThat(r.success()).as(r.error()).isTrue();
        assertThat(r.protocolDetail()).isEqualTo("h2");
        assertThat(server.lastProtocol()).isEqualTo("HTTP/2.0");
        assertThat(r.tlsMs()).isNull();
    }

    @Test
    void http2_required_fails_when_the_server_only_speaks_http1() {
        ProbeResult r = run(server.httpsHttp1Only() + "/ok", Map.of("ca_file", caFile, "protocol", "http2"));

        assertThat(r.success()).isFalse();
        assertThat(r.error()).startsWith("protocol_error").contains("http/1.1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.protocolDetail()).isEqualTo("http/1.1");
    }

    @Test
    void measures_transfer_and_throughput_of_a_large_body() {
        for (String base : List.of(server.http(), server.https())) {
            ProbeResult r = run(base + "/big", Map.of("ca_file", caFile));

            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.receivedBytes()).isEqualTo((long) HttpTestServer.BIG_BYTES);
            assertThat(r.transferMs()).isPositive();
            assertThat(r.throughputMbps()).isCloseTo(HttpTestServer.BIG_BYTES * 8.0 / (r.transferMs() * 1000.0), within(0.5));
            assertThat(r.totalTimeMs()).isGreaterThanOrEqualTo(r.ttfbMs() + r.transferMs() - 0.01);
        }
    }

    @Test
    void caps_a_body_at_max_body_bytes_and_says_how_much_was_read() {
        for (String base : List.of(server.http(), server.https())) {
            long start = System.nanoTime();
            ProbeResult r = run(base + "/endless", Map.of("ca_file", caFile, "max_body_bytes", "256K"));

            assertThat((System.nanoTime() - start) / 1e9).as("seconds: the cap, not the 10 s timeout, ended it")
                    .isLessThan(5.0);
            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.receivedBytes()).isEqualTo(256L * 1024);
            assertThat(r.rawResults()).containsEntry("body_capped", true).containsEntry("max_body_bytes", 256 * 1024);
            assertThat(attempts(r).getFirst()).containsEntry("body_capped", true)
                    .containsEntry("received_bytes", 256 * 1024);
            if (base.startsWith("http:")) {
                // Over h2 (https here) OkHttp's reader thread reads ahead of the caller, and may already have read the
                // whole capped body when the headers are handed over: the transfer can then time as 0, with no rate.
                assertThat(r.throughputMbps()).isPositive();
            }
        }
    }

    @Test
    void a_body_no_larger_than_the_cap_is_not_capped() {
        ProbeResult r = run(server.http() + "/big", Map.of("max_body_bytes", Integer.toString(HttpTestServer.BIG_BYTES)));
        assertThat(r.receivedBytes()).isEqualTo((long) HttpTestServer.BIG_BYTES);
        assertThat(r.rawResults()).containsEntry("body_capped", false);
        assertThat(run(server.http() + "/big", Map.of()).rawResults()).doesNotContainKeys("body_capped", "max_body_bytes");
    }

    @Test
    void a_body_cut_off_by_the_timeout_still_reports_the_bytes_received() {
        ProbeResult r = ResultSchema.assertValid(ProbeRunner.run(TargetParser.parse(server.http() + "/trickle",
                new ProbeOptions(1, null, Duration.ofMillis(1500), null, Map.of())), ProbeContext.of(Source.CLI)));

        assertThat(r.success()).isFalse();
        assertThat(r.error()).startsWith("timeout");
        // 1 KiB every 100 ms for about 1.5 s
        assertThat(r.receivedBytes()).isBetween(4L * 1024, 20L * 1024);
        assertThat(attempts(r).getFirst()).containsKey("received_bytes");
    }

    @Test
    void ttfb_includes_the_servers_wait_before_the_headers() {
        ProbeResult r = run(server.http() + "/slow?ms=300", Map.of());

        assertThat(r.success()).as(r.error()).isTrue();
        assertThat(r.ttfbMs()).isGreaterThanOrEqualTo(300.0);
        assertThat(r.totalTimeMs()).isGreaterThanOrEqualTo(r.ttfbMs());
        assertThat(r.connectMs()).isLessThan(r.ttfbMs());
    }

    @Test
    void follows_and_counts_redirects() {
        ProbeResult r = run(server.http() + "/redirect2", Map.of());

        assertThat(r.success()).as(r.error()).isTrue();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.rawResults()).containsEntry("redirect_count", 2).containsEntry("final_url", server.http() + "/ok");
        assertThat(r.rawResults().get("redirects")).asList().hasSize(2);
    }

    @Test
    void reports_the_redirect_itself_when_not_following() {
        ProbeResult r = run(server.http() + "/redirect", Map.of("follow_redirects", "false"));

        assertThat(r.success()).as(r.error()).isTrue();
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.rawResults()).containsEntry("redirect_count", 0).containsEntry("final_url", server.http() + "/redirect");
    }

    @Test
    void error_status_is_a_failed_measurement() {
        ProbeResult r = run(server.http() + "/status/503", Map.of());

        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("http_error: 503");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.ttfbMs()).isNotNull();
        assertThat(r.totalTimeMs()).isNotNull();
        assertThat(r.protocolDetail()).isEqualTo("http/1.1");
    }

    @Test
    void head_post_and_options_requests_work() {
        ProbeResult head = run(server.http() + "/ok", Map.of("method", "HEAD"));
        assertThat(server.lastMethod()).isEqualTo("HEAD");
        assertThat(head.success()).as(head.error()).isTrue();
        assertThat(head.receivedBytes()).isZero();
        assertThat(head.throughputMbps()).isNull();

        ProbeResult post = run(server.https() + "/ok", Map.of("method", "post", "ca_file", caFile));
        assertThat(server.lastMethod()).isEqualTo("POST");
        assertThat(post.success()).as(post.error()).isTrue();
        assertThat(post.receivedBytes()).isEqualTo("posted 0 bytes\n".length());

        ProbeResult options = run(server.http() + "/ok", Map.of("method", "OPTIONS"));
        assertThat(server.lastMethod()).isEqualTo("OPTIONS");
        assertThat(options.statusCode()).isEqualTo(204);
    }

    @Test
    void each_attempt_opens_its_own_connection() {
        int before = server.plainConnections();
        ProbeResult r = run(server.http() + "/ok", Map.of(), 3);

        assertThat(server.plainConnections() - before).isEqualTo(3);
        assertThat(r.success()).as(r.error()).isTrue();
        List<Map<String, Object>> attempts = attempts(r);
        assertThat(attempts).hasSize(3).allSatisfy(a -> assertThat(a).containsKeys("connect_ms", "ttfb_ms", "total_time_ms")
                .containsEntry("connections", 1));
        double[] totals = attempts.stream().mapToDouble(a -> (Double) a.get("total_time_ms")).toArray();
        assertThat(r.latencyMs()).isCloseTo((totals[0] + totals[1] + totals[2]) / 3, within(0.01));
        assertThat(r.minLatencyMs()).isLessThanOrEqualTo(r.p50LatencyMs());
        assertThat(r.p50LatencyMs()).isLessThanOrEqualTo(r.p95LatencyMs());
        assertThat(r.p95LatencyMs()).isLessThanOrEqualTo(r.maxLatencyMs());
        assertThat(r.stddevLatencyMs()).isNotNull();
        assertThat(r.receivedBytes()).isEqualTo(9L);
    }

    @Test
    void each_tls_attempt_pays_its_own_handshake() {
        int before = server.tlsConnections();
        ProbeResult r = run(server.https() + "/ok", Map.of("ca_file", caFile), 3);

        assertThat(r.success()).as(r.error()).isTrue();
        assertThat(server.tlsConnections() - before).isEqualTo(3);
        assertThat(attempts(r)).hasSize(3).allSatisfy(a -> assertThat(a).containsKey("tls_ms").containsEntry("protocol", "h2"));
    }

    @Test
    void closed_port_is_connection_refused() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ProbeResult r = run("http://127.0.0.1:" + port + "/", Map.of());

        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("connection_refused");
        assertThat(r.protocolDetail()).isNull();
        assertThat(r.ttfbMs()).isNull();
    }

    @Test
    void unresolvable_host_is_dns_failure() {
        ProbeResult r = run("http://no-such-host.invalid/", Map.of());

        assertThat(r.success()).isFalse();
        // The test resolver (Rfc6761InvalidResolverProvider) answers .invalid names itself, so no query leaves
        // loopback; its wording is not asserted because the JDK's negative cache may answer first when another
        // test looked the same name up earlier in this JVM.
        assertThat(r.error()).startsWith("dns_failure: cannot resolve no-such-host.invalid");
        assertThat(r.connectMs()).isNull();
        assertThat(r.dnsMs()).isNull();
    }

    @Test
    void untrusted_certificate_is_tls_error_with_connect_time_kept() {
        ProbeResult r = run(server.https() + "/ok", Map.of());

        assertThat(r.success()).isFalse();
        assertThat(r.error()).startsWith("tls_error: untrusted certificate");
        assertThat(r.connectMs()).isNotNull();
        assertThat(r.statusCode()).isNull();
    }

    @Test
    void trusted_certificate_for_another_name_is_a_hostname_mismatch() throws Exception {
        TrustFixture trust = TrustFixture.create(tmp);
        try (TlsTestServer other = TlsTestServer.start(trust.otherNameServer().sslContext())) {
            String url = "https://127.0.0.1:" + other.port() + "/";
            ProbeResult r = run(url, Map.of("ca_file", trust.caFile().toString()));

            assertThat(r.success()).isFalse();
            assertThat(r.error()).startsWith("tls_error: hostname mismatch").contains("127.0.0.1");
            assertThat(r.connectMs()).isNotNull();
            assertThat(other.handshakesCompleted()).isZero();
        }
    }

    @Test
    void verify_false_accepts_an_untrusted_certificate_and_says_so() {
        ProbeResult r = run(server.https() + "/ok", Map.of("verify", "false"));

        assertThat(r.success()).as(r.error()).isTrue();
        assertThat(r.rawResults()).containsEntry("tls_verified", false);
        assertThat(r.tlsMs()).isNotNull();
    }

    @Test
    void unreadable_ca_file_is_an_error_naming_the_file() {
        ProbeResult r = run(server.https() + "/ok", Map.of("ca_file", tmp.resolve("missing.pem").toString()));

        assertThat(r.success()).isFalse();
        assertThat(r.error()).startsWith("invalid_target: ca_file").contains("missing.pem").contains("cannot be read");
    }

    @Test
    void slow_server_beyond_the_timeout_is_timeout() {
        ProbeResult r = ProbeRunner.run(TargetParser.parse(server.http() + "/slow?ms=1500",
                new ProbeOptions(1, null, Duration.ofMillis(300), null, Map.of())), ProbeContext.of(Source.CLI));

        ResultSchema.assertValid(r);
        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("timeout");
        assertThat(r.connectMs()).isNotNull();
    }

    private static ProbeResult run(String url, Map<String, String> params) {
        return run(url, params, 1);
    }

    private static ProbeResult run(String url, Map<String, String> params, int count) {
        Map<String, String> p = new HashMap<>(params);
        if (!url.startsWith("https")) {
            p.remove("ca_file");
        }
        ProbeResult r = ProbeRunner.run(TargetParser.parse(url, new ProbeOptions(count, Duration.ofMillis(20), Duration.ofSeconds(10), null, p)),
                ProbeContext.of(Source.CLI));
        return ResultSchema.assertValid(r);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> attempts(ProbeResult r) {
        return (List<Map<String, Object>>) r.rawResults().get("attempts");
    }
}
