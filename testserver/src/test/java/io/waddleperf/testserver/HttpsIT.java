package io.waddleperf.testserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.tls.SelfSignedCertificate;
import io.waddleperf.tls.TlsCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS (docs/TEST-API.md): a self-signed certificate made at first start and reused, or a configured PEM pair; TLS 1.2+. */
class HttpsIT {

    @TempDir
    Path dataDir;

    private TestServerConfig config(String... more) {
        return LoopbackConfig.of(dataDir, Stream.concat(Stream.of("https_enabled", "true", "https_port", "0",
                "api_keys", ApiClient.KEY), Stream.of(more)).toArray(String[]::new));
    }

    /** A TLS socket trusting exactly {@code cert}, limited to {@code protocol}. */
    private static SSLSocket connect(int port, X509Certificate cert, String protocol) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
        s.setEnabledProtocols(new String[] {protocol});
        return s;
    }

    /** GET /health over TLS with {@code protocol}; returns the status line and the protocol negotiated. */
    private static String[] health(int port, X509Certificate cert, String protocol) throws Exception {
        try (SSLSocket s = connect(port, cert, protocol)) {
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            X509Certificate served = (X509Certificate) s.getSession().getPeerCertificates()[0];
            assertThat(served).isEqualTo(cert);
            return new String[] {response.lines().findFirst().orElse(""), s.getSession().getProtocol(), response};
        }
    }

    @Test
    void serves_https_with_a_self_signed_certificate_kept_across_restarts() throws Exception {
        String fingerprint;
        X509Certificate cert;
        try (TestServer server = TestServer.start(config())) {
            TlsCredentials tls = server.tls().orElseThrow();
            cert = tls.certificate();
            fingerprint = tls.sha256Fingerprint();
            assertThat(dataDir.resolve("tls").resolve(SelfSignedCertificate.CERT_FILE)).isRegularFile();
            String[] answer = health(server.httpsPort().orElseThrow(), cert, "TLSv1.3");
            assertThat(answer[0]).isEqualTo("HTTP/1.1 200 OK");
            assertThat(answer[2]).contains("\"status\":\"healthy\"");
        }
        try (TestServer again = TestServer.start(config())) {
            assertThat(again.tls().orElseThrow().sha256Fingerprint()).isEqualTo(fingerprint);
            assertThat(health(again.httpsPort().orElseThrow(), cert, "TLSv1.2")[0]).isEqualTo("HTTP/1.1 200 OK");
        }
    }

    @Test
    void speaks_only_tls_1_2_and_1_3() throws Exception {
        try (TestServer server = TestServer.start(config())) {
            assertThat(server.enabledTlsProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
            X509Certificate cert = server.tls().orElseThrow().certificate();
            int port = server.httpsPort().orElseThrow();
            assertThat(health(port, cert, "TLSv1.2")[1]).isEqualTo("TLSv1.2");
            assertThat(health(port, cert, "TLSv1.3")[1]).isEqualTo("TLSv1.3");
            assertThatThrownBy(() -> {
                try (SSLSocket s = connect(port, cert, "TLSv1.1")) {
                    s.startHandshake();
                }
            }).isInstanceOf(SSLException.class);
            assertThat(new ApiClient(server.httpPort()).get("/health").status()).isEqualTo(200);
        }
    }

    @Test
    void serves_a_configured_pem_certificate() throws Exception {
        Path other = Files.createDirectories(dataDir.resolve("elsewhere"));
        TlsCredentials made = SelfSignedCertificate.loadOrCreate(other, "127.0.0.1", java.time.Clock.systemUTC());
        Path cert = other.resolve("tls").resolve(SelfSignedCertificate.CERT_FILE);
        Path key = other.resolve("tls").resolve(SelfSignedCertificate.KEY_FILE);
        try (TestServer server = TestServer.start(config("tls_cert_file", cert.toString(), "tls_key_file", key.toString()))) {
            assertThat(server.tls().orElseThrow().sha256Fingerprint()).isEqualTo(made.sha256Fingerprint());
            assertThat(health(server.httpsPort().orElseThrow(), made.certificate(), "TLSv1.3")[0]).isEqualTo("HTTP/1.1 200 OK");
        }
        assertThat(dataDir.resolve("tls")).as("no self-signed certificate made when one is configured").doesNotExist();
    }

    @Test
    void refuses_to_start_with_a_key_that_does_not_match_the_certificate() throws Exception {
        SelfSignedCertificate.loadOrCreate(dataDir.resolve("a"), "127.0.0.1", java.time.Clock.systemUTC());
        SelfSignedCertificate.loadOrCreate(dataDir.resolve("b"), "127.0.0.1", java.time.Clock.systemUTC());
        Path cert = dataDir.resolve("a/tls").resolve(SelfSignedCertificate.CERT_FILE);
        Path wrongKey = dataDir.resolve("b/tls").resolve(SelfSignedCertificate.KEY_FILE);
        assertThatThrownBy(() -> TestServer.start(config("tls_cert_file", cert.toString(), "tls_key_file", wrongKey.toString())))
                .isInstanceOfSatisfying(io.waddleperf.core.config.ConfigException.class,
                        e -> assertThat(e.problems()).singleElement().asString().startsWith("tls_cert_file: "));
    }

    @Test
    void runs_without_https_when_disabled() throws IOException {
        try (TestServer server = TestServer.start(config("https_enabled", "false"))) {
            assertThat(server.httpsPort()).isEmpty();
            assertThat(server.tls()).isEmpty();
            assertThat(dataDir.resolve("tls")).doesNotExist();
        }
    }
}
