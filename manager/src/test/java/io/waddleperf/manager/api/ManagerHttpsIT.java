package io.waddleperf.manager.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.manager.Harness;
import io.waddleperf.manager.store.TestDatabases.Kind;
import io.waddleperf.testkit.TrustFixture;
import io.waddleperf.tls.SelfSignedCertificate;
import io.waddleperf.tls.TlsCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with a real TLS client: Secure cookies and HSTS over HTTPS, neither over plain HTTP. */
class ManagerHttpsIT {

    private static final String LOGIN = "{\"username\":\"admin\",\"password\":\"" + Harness.ADMIN_PASSWORD + "\"}";

    @TempDir
    Path dir;

    /** A client trusting exactly {@code anchor}, checking the host name as browsers do, limited to {@code protocol}. */
    private static HttpClient client(X509Certificate anchor, String protocol) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("anchor", anchor);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLParameters params = new SSLParameters();
        params.setProtocols(new String[] {protocol});
        return HttpClient.newBuilder().sslContext(ctx).sslParameters(params).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> webLogin(HttpClient client, String base) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/web-login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(LOGIN)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void over_https_cookies_are_secure_and_hsts_is_sent_over_http_neither() throws Exception {
        try (Harness m = Harness.start(Kind.H2, Map.of("https_enabled", "true", "https_port", "0"), InstantSource.system())) {
            int port = m.server().httpsPort().orElseThrow();
            assertThat(port).isNotEqualTo(m.server().port());
            X509Certificate cert = m.server().tls().certificate();
            assertThat(m.dataDir().resolve("tls").resolve(SelfSignedCertificate.CERT_FILE)).isRegularFile();
            String base = "https://localhost:" + port;
            for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
                HttpResponse<String> health = client(cert, protocol).send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.sslSession().orElseThrow().getProtocol()).isEqualTo(protocol);
                assertThat(health.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
            }
            HttpResponse<String> login = webLogin(client(cert, "TLSv1.3"), base);
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            assertThat(login.headers().allValues("Set-Cookie")).hasSize(2)
                    .allSatisfy(c -> assertThat(c).contains("; Secure", "; SameSite=Strict"));
            assertThat(login.headers().firstValue("Strict-Transport-Security")).isPresent();

            // the same manager over plain HTTP
            Harness.Answer plain = m.call("POST", "/api/v1/auth/web-login", null, LOGIN);
            assertThat(plain.status()).isEqualTo(200);
            assertThat(plain.headers().allValues("Set-Cookie")).hasSize(2).noneSatisfy(c -> assertThat(c).contains("Secure"));
            assertThat(plain.headers().firstValue("Strict-Transport-Security")).isEmpty();
        }
    }

    @Test
    void serves_the_configured_pem_certificate_and_a_client_that_trusts_another_refuses_it() throws Exception {
        TrustFixture trust = TrustFixture.create(dir);
        TlsCredentials server = trust.loopbackServer();
        TrustFixture.PemFiles pem = trust.write(server, "manager");
        X509Certificate ca = server.chain().getLast(); // the chain ends in the test CA
        try (Harness m = Harness.start(Kind.H2, Map.of("https_enabled", "true", "https_port", "0",
                "tls_cert_file", pem.certificate().toString(), "tls_key_file", pem.privateKey().toString()), InstantSource.system())) {
            String base = "https://localhost:" + m.server().httpsPort().orElseThrow();
            HttpResponse<String> r = client(ca, "TLSv1.3").send(HttpRequest.newBuilder(URI.create(base + "/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(server.certificate());
            assertThat(Files.exists(m.dataDir().resolve("tls"))).as("no self-signed certificate made").isFalse();
            X509Certificate stranger = io.waddleperf.tls.CertificateMaker.server(java.util.List.of("localhost"))
                    .validFor(Duration.ofDays(1)).selfSigned().certificate();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> client(stranger, "TLSv1.3")
                    .send(HttpRequest.newBuilder(URI.create(base + "/ready")).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(SSLHandshakeException.class);
        }
    }
}
