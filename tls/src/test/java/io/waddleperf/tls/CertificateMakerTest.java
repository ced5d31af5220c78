package io.waddleperf.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;

import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

class CertificateMakerTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    private static TlsCredentials ca() {
        return CertificateMaker.authority("Test CA").validFor(Duration.ofDays(10)).selfSigned();
    }

    /** PKIX validation of {@code chain} (leaf first, root excluded) against {@code root} at {@code when}. */
    private static void validate(List<X509Certificate> chain, X509Certificate root, Instant when) throws Exception {
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        params.setRevocationEnabled(false);
        params.setDate(Date.from(when));
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), params);
    }

    @Test
    void a_server_certificate_names_dns_names_and_ip_addresses_in_subject_alt_name() throws Exception {
        TlsCredentials server = CertificateMaker.server(List.of("localhost", "host.example.test", "127.0.0.1", "192.0.2.7", "::1",
                "2001:db8::5")).validFor(Duration.ofDays(5)).signedBy(ca());

        X509Certificate cert = server.certificate();
        assertThat(cert.getSubjectAlternativeNames()).containsExactly(
                List.of(DNS_NAME, "localhost"), List.of(DNS_NAME, "host.example.test"), List.of(IP_ADDRESS, "127.0.0.1"),
                List.of(IP_ADDRESS, "192.0.2.7"), List.of(IP_ADDRESS, "0:0:0:0:0:0:0:1"), List.of(IP_ADDRESS, "2001:db8:0:0:0:0:0:5"));
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=localhost,O=WaddlePerf");
        assertThat(cert.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
        assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(server.keyMatchesCertificate()).isTrue();
    }

    @Test
    void short_ipv4_forms_are_not_taken_for_addresses() {
        assertThat(CertificateMaker.isAddress("10.1.2.3")).isTrue();
        assertThat(CertificateMaker.isAddress("fe80::1")).isTrue();
        assertThat(CertificateMaker.isAddress("127.1")).isFalse();
        assertThat(CertificateMaker.isAddress("1234")).isFalse();
        assertThat(CertificateMaker.isAddress("localhost")).isFalse();
    }

    @Test
    void a_certificate_signed_by_the_ca_verifies_against_it_and_not_against_another() throws Exception {
        TlsCredentials ca = ca();
        TlsCredentials server = CertificateMaker.server(List.of("localhost")).validFor(Duration.ofDays(5)).signedBy(ca);

        assertThat(server.chain()).containsExactly(server.certificate(), ca.certificate());
        assertThat(server.certificate().getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
        assertThat(ca.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(ca.certificate().getKeyUsage()[5]).as("keyCertSign").isTrue();
        validate(List.of(server.certificate()), ca.certificate(), Instant.now());
        assertThatThrownBy(() -> validate(List.of(server.certificate()), ca().certificate(), Instant.now()))
                .isInstanceOf(CertPathValidatorException.class);
    }

    @Test
    void an_intermediate_ca_extends_the_chain() throws Exception {
        TlsCredentials root = ca();
        TlsCredentials intermediate = CertificateMaker.authority("Intermediate").validFor(Duration.ofDays(5)).signedBy(root);
        TlsCredentials server = CertificateMaker.server(List.of("localhost")).validFor(Duration.ofDays(1)).signedBy(intermediate);

        assertThat(server.chain()).containsExactly(server.certificate(), intermediate.certificate(), root.certificate());
        validate(server.chain().subList(0, 2), root.certificate(), Instant.now());
    }

    @Test
    void only_a_ca_signs() {
        TlsCredentials leaf = CertificateMaker.server(List.of("localhost")).validFor(Duration.ofDays(1)).selfSigned();
        assertThatThrownBy(() -> CertificateMaker.server(List.of("x.test")).validFor(Duration.ofDays(1)).signedBy(leaf))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a certificate authority");
    }

    @Test
    void valid_for_starts_an_hour_back_and_ends_the_duration_ahead() throws Exception {
        TlsCredentials c = CertificateMaker.server(List.of("localhost")).clock(CLOCK).validFor(Duration.ofDays(825)).selfSigned();

        assertThat(c.certificate().getNotBefore().toInstant()).isEqualTo(NOW.minus(CertificateMaker.BACKDATE));
        assertThat(c.certificate().getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(825)));
        c.certificate().checkValidity(Date.from(NOW.minusSeconds(60)));
        assertThatThrownBy(() -> c.certificate().checkValidity(Date.from(NOW.plus(Duration.ofDays(826)))))
                .isInstanceOf(CertificateExpiredException.class);
    }

    @Test
    void valid_between_makes_an_expired_certificate_that_pkix_refuses() throws Exception {
        TlsCredentials ca = ca();
        Instant now = Instant.now();
        TlsCredentials expired = CertificateMaker.server(List.of("localhost"))
                .validBetween(now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1))).signedBy(ca);

        assertThat(expired.certificate().getNotAfter().toInstant()).isEqualTo(now.minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS));
        assertThatThrownBy(() -> expired.certificate().checkValidity()).isInstanceOf(CertificateExpiredException.class);
        assertThatThrownBy(() -> validate(List.of(expired.certificate()), ca.certificate(), now))
                .isInstanceOf(CertPathValidatorException.class);
        validate(List.of(expired.certificate()), ca.certificate(), now.minus(Duration.ofDays(2)));
    }

    @Test
    void a_self_signed_certificate_is_its_own_chain() throws Exception {
        TlsCredentials self = CertificateMaker.server(CertificateMaker.LOOPBACK_NAMES).validFor(Duration.ofDays(1)).selfSigned();

        self.certificate().verify(self.certificate().getPublicKey());
        assertThat(self.chain()).containsExactly(self.certificate());
    }

    @Test
    void refuses_incomplete_or_impossible_requests() {
        assertThatThrownBy(() -> CertificateMaker.server(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CertificateMaker.server(List.of(" "))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CertificateMaker.authority("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CertificateMaker.server(List.of("a.test")).validFor(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CertificateMaker.server(List.of("a.test")).validBetween(NOW, NOW))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CertificateMaker.server(List.of("a.test")).selfSigned())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("validFor");
    }

    @Test
    void pem_round_trips_and_the_jdk_reads_it() throws Exception {
        TlsCredentials ca = ca();
        TlsCredentials server = CertificateMaker.server(List.of("localhost")).validFor(Duration.ofDays(1)).signedBy(ca);

        String certPem = server.certificatePem();
        String keyPem = server.privateKeyPem();
        assertThat(certPem).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
        assertThat(certPem.lines()).allMatch(line -> line.length() <= 64);
        assertThat(keyPem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");

        TlsCredentials read = TlsCredentials.fromPem(certPem, keyPem);
        assertThat(read.chain()).containsExactlyElementsOf(server.chain());
        assertThat(((ECPrivateKey) read.privateKey()).getS()).isEqualTo(((ECPrivateKey) server.privateKey()).getS());
        assertThat(read.sha256Fingerprint()).isEqualTo(server.sha256Fingerprint());
        try (InputStream in = new ByteArrayInputStream(certPem.getBytes(StandardCharsets.US_ASCII))) {
            assertThat(List.<Object>copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in))).containsExactly(server.certificate(), ca.certificate());
        }
        assertThatThrownBy(() -> TlsCredentials.fromPem(certPem, ca.privateKeyPem())).hasMessageContaining("does not belong");
    }

    @Test
    void a_client_checking_host_names_accepts_the_server_by_ip_address_and_by_name() throws Exception {
        TlsCredentials ca = ca();
        TlsCredentials server = CertificateMaker.server(CertificateMaker.LOOPBACK_NAMES).validFor(Duration.ofDays(1)).signedBy(ca);

        assertThat(handshake(server, ca, "127.0.0.1")).isEqualTo("ok");
        assertThat(handshake(server, ca, "localhost")).isEqualTo("ok");
        TlsCredentials other = CertificateMaker.server(List.of("elsewhere.test")).validFor(Duration.ofDays(1)).signedBy(ca);
        assertThatThrownBy(() -> handshake(other, ca, "127.0.0.1")).isInstanceOf(SSLHandshakeException.class);
    }

    /** A TLS connection over loopback to a server presenting {@code server}, from a client trusting only {@code ca}. */
    private static String handshake(TlsCredentials server, TlsCredentials ca, String host) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        try (ServerSocket listener = server.sslContext().getServerSocketFactory().createServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept(); OutputStream out = s.getOutputStream()) {
                    out.write("ok".getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    // the client refused the certificate: nothing to serve
                }
            });
            try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(host, listener.getLocalPort())) {
                SSLParameters params = s.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS"); // check the name as browsers do
                s.setSSLParameters(params);
                s.setSoTimeout(10_000);
                s.startHandshake();
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            } finally {
                listener.close();
                served.get(10, TimeUnit.SECONDS);
            }
        }
    }
}
