package io.waddleperf.probes.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TlsSpec;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.testkit.ResultSchema;
import io.waddleperf.tls.CertificateMaker;
import io.waddleperf.tls.TlsCredentials;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tls probe against {@code openssl s_server} (Debian's {@code openssl}), with each certificate case, through both
 * libraries: OpenSSL and the JDK must report the same outcome and the same certificate fields, so which library made
 * the handshake changes the timing and nothing else.
 */
class OpenSslServerTlsProberTest {

    private static final ProbeContext CONTEXT = ProbeContext.of(Source.CLI);
    /** Fields that must not depend on the library. */
    private static final List<String> SAME = List.of("cert_subject", "cert_issuer", "cert_not_before", "cert_not_after",
            "cert_chain_length", "verified", "cipher", "server_name");

    @TempDir
    static Path dir;

    private static String caFile;
    private static TlsCredentials valid;
    private static TlsCredentials expired;
    private static TlsCredentials selfSigned;

    @BeforeAll
    static void certificates() throws Exception {
        TlsCredentials ca = CertificateMaker.authority("WaddlePerf s_server CA").validFor(Duration.ofDays(365)).selfSigned();
        valid = CertificateMaker.server(CertificateMaker.LOOPBACK_NAMES).validFor(Duration.ofDays(60)).signedBy(ca);
        expired = CertificateMaker.server(CertificateMaker.LOOPBACK_NAMES)
                .validBetween(Instant.now().minus(Duration.ofDays(40)), Instant.now().minus(Duration.ofDays(3))).signedBy(ca);
        selfSigned = CertificateMaker.server(CertificateMaker.LOOPBACK_NAMES).validFor(Duration.ofDays(20)).selfSigned();
        caFile = Files.writeString(dir.resolve("ca.pem"), ca.certificatePem()).toString();
    }

    private static ProbeResult probe(int port, String library, String... options) {
        Map<String, String> params = new HashMap<>(Map.of("ca_file", caFile, "tls_library", library));
        for (int i = 0; i < options.length; i += 2) {
            params.put(options[i], options[i + 1]);
        }
        TlsSpec spec = TlsSpec.of("tls://localhost:" + port, "localhost", port,
                new ProbeOptions(2, Duration.ofMillis(10), Duration.ofSeconds(5), null, params));
        return ResultSchema.assertValid(ProbeRunner.runWith(spec, TlsProber.INSTANCE, CONTEXT));
    }

    private static void assertSameFields(ProbeResult openssl, ProbeResult jsse) {
        assertThat((String) openssl.rawResults().get("tls_library")).startsWith("openssl 3.");
        assertThat(jsse.rawResults()).containsEntry("tls_library", "jsse");
        assertThat(openssl.success()).isEqualTo(jsse.success());
        assertThat(openssl.tlsVersion()).isEqualTo(jsse.tlsVersion());
        assertThat(openssl.certDaysLeft()).isEqualTo(jsse.certDaysLeft());
        for (String field : SAME) {
            assertThat(openssl.rawResults().get(field)).as(field).isEqualTo(jsse.rawResults().get(field));
        }
    }

    @Test
    void a_good_chain_reads_the_same_through_openssl_and_the_jdk() throws Exception {
        try (SServer server = SServer.start(valid, "-tls1_3")) {
            ProbeResult openssl = probe(server.port, "openssl");
            ProbeResult jsse = probe(server.port, "jsse");

            assertThat(openssl.success()).as(openssl.error()).isTrue();
            assertThat(openssl.tlsVersion()).isEqualTo("TLSv1.3");
            assertThat(openssl.packetsReceived()).isEqualTo(2);
            assertThat(openssl.rawResults()).containsEntry("verified", true).containsEntry("cert_chain_length", 1);
            assertThat(openssl.certDaysLeft()).isBetween(58, 60);
            assertSameFields(openssl, jsse);
        }
    }

    @Test
    void tls12_names_the_cipher_suite_as_the_jdk_does() throws Exception {
        try (SServer server = SServer.start(valid, "-tls1_2")) {
            ProbeResult openssl = probe(server.port, "openssl");
            ProbeResult jsse = probe(server.port, "jsse");

            assertThat(openssl.success()).as(openssl.error()).isTrue();
            assertThat(openssl.tlsVersion()).isEqualTo("TLSv1.2");
            assertThat((String) openssl.rawResults().get("cipher")).startsWith("TLS_ECDHE_");
            assertSameFields(openssl, jsse);
        }
    }

    @Test
    void an_expired_certificate_fails_with_the_same_words() throws Exception {
        try (SServer server = SServer.start(expired)) {
            ProbeResult openssl = probe(server.port, "openssl");
            ProbeResult jsse = probe(server.port, "jsse");

            assertThat(openssl.success()).isFalse();
            assertThat(openssl.error()).startsWith("tls_error: certificate expired (not after ").isEqualTo(jsse.error());
            assertThat(openssl.rawResults()).containsEntry("verify_reason", jsse.rawResults().get("verify_reason"));
            assertThat(openssl.tlsMs()).isNull();
            assertThat(openssl.connectMs()).isPositive();
            assertSameFields(openssl, jsse);
        }
    }

    @Test
    void an_expired_certificate_without_verification_is_measured_and_reported() throws Exception {
        try (SServer server = SServer.start(expired)) {
            ProbeResult openssl = probe(server.port, "openssl", "verify", "false");
            ProbeResult jsse = probe(server.port, "jsse", "verify", "false");

            assertThat(openssl.success()).as(openssl.error()).isTrue();
            assertThat(openssl.tlsMs()).isPositive();
            assertThat(openssl.certDaysLeft()).isNegative();
            assertThat(openssl.rawResults()).containsEntry("verified", false)
                    .containsEntry("verify_reason", jsse.rawResults().get("verify_reason"));
            assertSameFields(openssl, jsse);
        }
    }

    @Test
    void a_certificate_for_another_host_fails_as_a_hostname_mismatch() throws Exception {
        try (SServer server = SServer.start(valid)) {
            ProbeResult openssl = probe(server.port, "openssl", "sni", "wrong.example.test");
            ProbeResult jsse = probe(server.port, "jsse", "sni", "wrong.example.test");

            assertThat(openssl.success()).isFalse();
            assertThat(openssl.error()).startsWith("tls_error: hostname mismatch").contains("wrong.example.test");
            assertThat(jsse.error()).startsWith("tls_error: hostname mismatch");
            assertThat(openssl.rawResults()).containsEntry("server_name", "wrong.example.test").containsEntry("verified", false);
            assertSameFields(openssl, jsse);
        }
    }

    @Test
    void a_self_signed_certificate_fails_as_untrusted() throws Exception {
        try (SServer server = SServer.start(selfSigned)) {
            ProbeResult openssl = probe(server.port, "openssl");
            ProbeResult jsse = probe(server.port, "jsse");

            assertThat(openssl.success()).isFalse();
            assertThat(openssl.error()).isEqualTo("tls_error: untrusted certificate: no certification path to a trusted root")
                    .isEqualTo(jsse.error());
            assertThat(openssl.certDaysLeft()).isBetween(18, 20);
            assertSameFields(openssl, jsse);
        }
    }

    /** {@code openssl s_server -www} on a free loopback port with the given certificate and key. */
    private static final class SServer implements AutoCloseable {
        private final Process process;
        private final int port;

        private SServer(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static SServer start(TlsCredentials identity, String... extra) throws Exception {
            Path cert = Files.createTempFile(dir, "cert", ".pem");
            Path key = Files.createTempFile(dir, "key", ".pem");
            Files.writeString(cert, identity.certificatePem());
            Files.writeString(key, identity.privateKeyPem());
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            List<String> command = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port,
                    "-cert", cert.toString(), "-key", key.toString(), "-www", "-quiet"));
            command.addAll(List.of(extra));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("s_server-" + port + ".log").toFile()).start();
            SServer server = new SServer(process, port);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (true) {
                try (Socket probe = new Socket()) {
                    probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                    return server;
                } catch (IOException notYet) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        server.close();
                        throw new IllegalStateException("openssl s_server did not start: "
                                + Files.readString(dir.resolve("s_server-" + port + ".log")));
                    }
                    Thread.sleep(50);
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor();
        }
    }
}
