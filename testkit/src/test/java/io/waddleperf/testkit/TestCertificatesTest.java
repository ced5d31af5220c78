package io.waddleperf.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCertificatesTest {

    @TempDir
    Path dir;

    @Test
    void issues_a_server_certificate_signed_by_the_ca_for_the_loopback_names() throws Exception {
        TestCertificates.Issued ca = TestCertificates.certificateAuthority("Test CA", Duration.ofDays(10));
        TestCertificates.Issued server = TestCertificates.server(ca, TestCertificates.LOOPBACK_NAMES, Duration.ofDays(5));

        X509Certificate cert = server.certificate();
        cert.verify(ca.certificate().getPublicKey());
        cert.checkValidity();
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=localhost,O=WaddlePerf test");
        assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
        List<Object> sans = cert.getSubjectAlternativeNames().stream().<Object>map(san -> san.get(1)).toList();
        assertThat(sans).containsExactly("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(ca.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(server.chain()).containsExactly(cert, ca.certificate());
    }

    @Test
    void issues_an_expired_certificate_when_asked() throws Exception {
        TestCertificates.Issued ca = TestCertificates.certificateAuthority("Test CA", Duration.ofDays(10));
        TestCertificates.Issued expired = TestCertificates.server(ca, List.of("localhost"),
                Instant.now().minus(Duration.ofDays(3)), Instant.now().minus(Duration.ofDays(1)));

        assertThatThrownBy(() -> expired.certificate().checkValidity()).isInstanceOf(CertificateExpiredException.class);
    }

    @Test
    void issues_a_self_signed_certificate() throws Exception {
        TestCertificates.Issued self = TestCertificates.selfSigned(List.of("localhost"), Duration.ofDays(1));

        self.certificate().verify(self.certificate().getPublicKey());
        assertThat(self.chain()).containsExactly(self.certificate());
    }

    @Test
    void writes_pem_files_the_jdk_reads_back() throws Exception {
        TestCertificates.Issued ca = TestCertificates.certificateAuthority("Test CA", Duration.ofDays(10));
        TestCertificates.Issued server = TestCertificates.server(ca, List.of("localhost"), Duration.ofDays(5));
        TestCertificates.PemFiles files = server.writePem(dir, "server");

        try (InputStream in = Files.newInputStream(files.certificate())) {
            List<Certificate> read = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            assertThat(read).containsExactly(server.certificate(), ca.certificate());
        }
        String keyPem = Files.readString(files.privateKey());
        assertThat(keyPem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
        String base64 = keyPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        assertThat(KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64))))
                .isEqualTo(server.privateKey());
    }
}
