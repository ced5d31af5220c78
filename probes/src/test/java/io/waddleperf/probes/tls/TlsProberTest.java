package io.waddleperf.probes.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TlsSpec;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.testkit.ResultSchema;
import io.waddleperf.testkit.TlsTestServer;
import io.waddleperf.tls.CertificateMaker;
import io.waddleperf.tls.TlsCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsProberTest {

    private static final ProbeContext CONTEXT = ProbeContext.of(Source.CLI);

    @TempDir
    static Path dir;

    private static TlsCredentials ca;
    private static TlsCredentials valid;
    private static TlsCredentials expired;
    private static TlsCredentials selfSigned;
    private static String caFile;

    @BeforeAll
    static void certificates() throws Exception {
        ca = CertificateMaker.authority("WaddlePerf test CA").validFor(Duration.ofDays(365)).selfSigned();
        // 90 days (less a few seconds) left.
        valid = CertificateMaker.server(CertificateMaker.LOOPBACK_NAMES).validFor(Duration.ofDays(90)).signedBy(ca);
        expired = CertificateMaker.server(CertificateMaker.LOOPBACK_NAMES)
                .validBetween(Instant.now().minus(Duration.ofDays(30)), Instant.now().minus(Duration.ofDays(2))).signedBy(ca);
        selfSigned = CertificateMaker.server(CertificateMaker.LOOPBACK_NAMES).validFor(Duration.ofDays(29)).selfSigned();
        caFile = Files.writeString(dir.resolve("ca.crt"), ca.certificatePem()).toString();
    }

    /** The TLS library every test here runs with: OpenSSL (libssl.so.3); {@link TlsProberJsseTest} runs them on the JDK's. */
    String library() {
        return "openssl";
    }

    /** What {@code raw_results.tls_library} says for {@link #library()}. */
    String libraryReported() {
        return "openssl 3.";
    }

    ProbeResult probe(String host, int port, int count, Map<String, String> params) {
        return probe(host, port, count, params, Duration.ofSeconds(5));
    }

    ProbeResult probe(String host, int port, int count, Map<String, String> params, Duration timeout) {
        Map<String, String> withLibrary = new HashMap<>(params);
        withLibrary.put("tls_library", library());
        TlsSpec spec = TlsSpec.of("tls://" + host + ":" + port, host, port,
                new ProbeOptions(count, Duration.ofMillis(10), timeout, null, withLibrary));
        ProbeResult r = ResultSchema.assertValid(ProbeRunner.runWith(spec, TlsProber.INSTANCE, CONTEXT));
        assertThat((String) r.rawResults().get("tls_library")).startsWith(libraryReported());
        return r;
    }

    private static Map<String, String> trustingCa(String... more) {
        Map<String, String> p = new HashMap<>(Map.of("ca_file", caFile));
        for (int i = 0; i < more.length; i += 2) {
            p.put(more[i], more[i + 1]);
        }
        return p;
    }

    @Test
    void verifies_a_chain_from_the_ca_file_and_reports_tls13() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(valid.sslContext())) {
            ProbeResult r = probe("127.0.0.1", server.port(), 1, trustingCa());

            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.tlsVersion()).isEqualTo("TLSv1.3");
            assertThat(r.connectMs()).isPositive();
            assertThat(r.tlsMs()).isPositive();
            assertThat(r.latencyMs()).isCloseTo(r.connectMs() + r.tlsMs(), within(0.01));
            assertThat(r.rawResults()).containsEntry("verified", true).doesNotContainKey("verify_reason")
                    .containsKey("cipher").containsEntry("cert_chain_length", 2);
            assertThat((String) r.rawResults().get("cipher")).startsWith("TLS_");
            assertThat((String) r.rawResults().get("cert_subject")).contains("CN=localhost");
            assertThat((String) r.rawResults().get("cert_issuer")).contains("CN=WaddlePerf test CA");
            assertThat(Instant.parse((String) r.rawResults().get("cert_not_after"))).isEqualTo(valid.certificate().getNotAfter().toInstant());
            assertThat(r.certDaysLeft()).isBetween(88, 90);
            assertThat(server.handshakesCompleted()).isEqualTo(1);
        }
    }

    @Test
    void sends_the_host_name_and_checks_it_against_the_certificate() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(valid.sslContext())) {
            ProbeResult r = probe("localhost", server.port(), 1, trustingCa());

            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.rawResults()).containsEntry("server_name", "localhost").containsEntry("verified", true);
        }
    }

    @Test
    void reports_tls12_when_the_server_offers_only_tls12() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(valid.sslContext(), List.of("TLSv1.2"), Duration.ZERO)) {
            ProbeResult r = probe("127.0.0.1", server.port(), 1, trustingCa());

            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.tlsVersion()).isEqualTo("TLSv1.2");
        }
    }

    @Test
    void times_the_handshake_separately_from_the_connect() throws Exception {
        // The server accepts at once but answers the ClientHello only after 300 ms: that wait belongs to tls_ms.
        try (TlsTestServer server = TlsTestServer.start(valid.sslContext(), TlsTestServer.DEFAULT_PROTOCOLS, Duration.ofMillis(300))) {
            ProbeResult r = probe("127.0.0.1", server.port(), 1, trustingCa());

            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.tlsMs()).isGreaterThanOrEqualTo(290.0);
            assertThat(r.connectMs()).isLessThan(r.tlsMs());
        }
    }

    @Test
    void makes_a_full_handshake_on_every_attempt() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(valid.sslContext())) {
            ProbeResult r = probe("127.0.0.1", server.port(), 3, trustingCa());

            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.packetsSent()).isEqualTo(3);
            assertThat(r.packetsReceived()).isEqualTo(3);
            assertThat((List<?>) r.rawResults().get("attempts")).hasSize(3)
                    .allSatisfy(a -> assertThat(attempt(a)).containsEntry("success", true).containsKeys("connect_ms", "tls_ms"));
            assertThat(server.handshakesCompleted()).isEqualTo(3);
        }
    }

    @Test
    void fails_on_an_expired_certificate_and_still_reports_it() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(expired.sslContext())) {
            ProbeResult r = probe("127.0.0.1", server.port(), 1, trustingCa());

            assertThat(r.success()).isFalse();
            assertThat(r.error()).startsWith("tls_error: certificate expired");
            assertThat(r.certDaysLeft()).isNegative();
            assertThat(r.connectMs()).isPositive();
            assertThat(r.tlsMs()).isNull();
            assertThat(r.rawResults()).containsEntry("verified", false).containsKey("cert_subject");
            assertThat((String) r.rawResults().get("verify_reason")).startsWith("certificate expired");
        }
    }

    @Test
    void fails_on_an_untrusted_self_signed_certificate() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(selfSigned.sslContext())) {
            ProbeResult r = probe("127.0.0.1", server.port(), 1, Map.of());

            assertThat(r.success()).isFalse();
            assertThat(r.error()).startsWith("tls_error: untrusted certificate");
            assertThat(r.rawResults()).containsEntry("verified", false).containsEntry("cert_chain_length", 1);
            assertThat(r.certDaysLeft()).isBetween(27, 29);
        }
    }

    @Test
    void fails_when_the_certificate_does_not_name_the_server() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(valid.sslContext())) {
            ProbeResult r = probe("127.0.0.1", server.port(), 1, trustingCa("sni", "wrong.example.test"));

            assertThat(r.success()).isFalse();
            assertThat(r.error()).startsWith("tls_error: hostname mismatch");
            assertThat(r.rawResults()).containsEntry("server_name", "wrong.example.test").containsEntry("verified", false);
        }
    }

    @Test
    void without_verification_succeeds_on_an_expired_certificate_but_says_it_would_not_verify() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(expired.sslContext())) {
            ProbeResult r = probe("127.0.0.1", server.port(), 1, trustingCa("verify", "false"));

            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.tlsVersion()).isEqualTo("TLSv1.3");
            assertThat(r.certDaysLeft()).isNegative();
            assertThat(r.rawResults()).containsEntry("verified", false);
            assertThat((String) r.rawResults().get("verify_reason")).startsWith("certificate expired");
        }
    }

    @Test
    void without_verification_still_reports_a_good_chain_as_verified() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(valid.sslContext())) {
            ProbeResult r = probe("127.0.0.1", server.port(), 1, trustingCa("verify", "false"));

            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.rawResults()).containsEntry("verified", true);
        }
    }

    @Test
    void fails_with_tls_error_against_a_server_that_does_not_speak_tls() throws Exception {
        try (ServerSocket plain = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> answerWithHttp(plain));
            ProbeResult r = probe("127.0.0.1", plain.getLocalPort(), 1, Map.of());

            assertThat(r.success()).isFalse();
            assertThat(r.error()).startsWith("tls_error");
            assertThat(r.connectMs()).isPositive();
            assertThat(r.certDaysLeft()).isNull();
            assertThat(r.rawResults()).doesNotContainKey("verified");
        }
    }

    @Test
    void reports_a_timeout_when_the_server_never_answers_the_client_hello() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> acceptThen(silent, false));
            ProbeResult r = probe("127.0.0.1", silent.getLocalPort(), 1, Map.of(), Duration.ofMillis(800));

            assertThat(r.success()).isFalse();
            assertThat(r.error()).isEqualTo("timeout");
            assertThat(r.connectMs()).isPositive();
            assertThat(r.tlsMs()).isNull();
        }
    }

    @Test
    void reports_a_reset_during_the_handshake_as_connection_reset() throws Exception {
        try (ServerSocket resetting = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> acceptThen(resetting, true));
            ProbeResult r = probe("127.0.0.1", resetting.getLocalPort(), 1, Map.of());

            assertThat(r.success()).isFalse();
            assertThat(r.error()).isEqualTo("connection_reset");
            assertThat(r.connectMs()).isPositive();
        }
    }

    @Test
    void reports_connection_refused_for_a_closed_port() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ProbeResult r = probe("127.0.0.1", port, 1, Map.of());

        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("connection_refused");
        assertThat(r.connectMs()).isNull();
    }

    @Test
    void reports_an_unreadable_ca_file_as_invalid_input() {
        ProbeResult r = probe("127.0.0.1", 443, 1, Map.of("ca_file", dir.resolve("missing.pem").toString()));

        assertThat(r.success()).isFalse();
        assertThat(r.error()).startsWith("invalid_target: ca_file").contains("missing.pem");
    }

    @Test
    void reports_a_ca_file_without_certificates_as_invalid_input() throws IOException {
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello", StandardCharsets.US_ASCII);
        ProbeResult r = probe("127.0.0.1", 443, 1, Map.of("ca_file", notPem.toString()));

        assertThat(r.success()).isFalse();
        assertThat(r.error()).startsWith("invalid_target: ca_file");
    }

    /**
     * Reads the ClientHello, then either resets the connection (linger 0) or holds it without a word until the
     * client goes away.
     */
    private static void acceptThen(ServerSocket server, boolean reset) {
        try (Socket s = server.accept()) {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            if (in.read(buf) > 0 && reset) {
                s.setSoLinger(true, 0);
                return;
            }
            while (in.read(buf) >= 0) {
                // Silent: wait for the client to give up.
            }
        } catch (IOException e) {
            // The probe closed first: nothing left to do.
        }
    }

    /** Reads the ClientHello, answers like an HTTP server, then drains until the client closes (so no RST). */
    private static void answerWithHttp(ServerSocket server) {
        try (Socket s = server.accept()) {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            if (in.read(buf) > 0) {
                s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                s.shutdownOutput();
                while (in.read(buf) >= 0) {
                    // Drain: closing with unread data would reset the connection instead of showing the bytes.
                }
            }
        } catch (IOException e) {
            // The probe closed first: nothing left to do.
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> attempt(Object rawAttempt) {
        return (Map<String, Object>) rawAttempt;
    }
}
