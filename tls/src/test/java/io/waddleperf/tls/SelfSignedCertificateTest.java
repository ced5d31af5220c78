package io.waddleperf.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedCertificateTest {

    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dataDir;

    @Test
    void makes_a_server_certificate_for_loopback_names_and_the_bind_address() throws Exception {
        TlsCredentials c = SelfSignedCertificate.loadOrCreate(dataDir, "192.0.2.10", NOW);
        X509Certificate cert = c.certificate();
        cert.checkValidity(java.util.Date.from(NOW.instant()));
        cert.verify(cert.getPublicKey()); // self-signed
        assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1"); // serverAuth
        assertThat(cert.getBasicConstraints()).isEqualTo(-1); // not a CA
        Set<String> names = cert.getSubjectAlternativeNames().stream().map(l -> l.get(1).toString()).collect(Collectors.toSet());
        assertThat(names).contains("localhost", "127.0.0.1", "192.0.2.10");
        assertThat(names).anyMatch(n -> n.startsWith("0:0:0:0:0:0:0:1"));
        assertThat(Duration.between(NOW.instant(), cert.getNotAfter().toInstant())).isGreaterThan(Duration.ofDays(800));
        assertThat(c.keyMatchesCertificate()).isTrue();
    }

    @Test
    void keeps_the_certificate_in_the_data_folder_with_an_owner_only_key() throws Exception {
        SelfSignedCertificate.loadOrCreate(dataDir, "0.0.0.0", NOW);
        Path key = dataDir.resolve("tls").resolve(SelfSignedCertificate.KEY_FILE);
        assertThat(dataDir.resolve("tls").resolve(SelfSignedCertificate.CERT_FILE)).isRegularFile();
        assertThat(Files.readString(key)).contains("PRIVATE KEY");
        assertThat(Files.getPosixFilePermissions(key)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
        try (var files = Files.list(dataDir.resolve("tls"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).as("no temporary files left")
                    .containsExactlyInAnyOrder(SelfSignedCertificate.CERT_FILE, SelfSignedCertificate.KEY_FILE);
        }
    }

    @Test
    void reuses_the_stored_certificate() throws Exception {
        String first = SelfSignedCertificate.loadOrCreate(dataDir, "0.0.0.0", NOW).sha256Fingerprint();
        String second = SelfSignedCertificate.loadOrCreate(dataDir, "0.0.0.0", Clock.offset(NOW, Duration.ofDays(30)))
                .sha256Fingerprint();
        assertThat(second).isEqualTo(first);
    }

    @Test
    void replaces_a_certificate_close_to_expiry_or_unreadable() throws Exception {
        String first = SelfSignedCertificate.loadOrCreate(dataDir, "0.0.0.0", NOW).sha256Fingerprint();
        Clock late = Clock.offset(NOW, SelfSignedCertificate.VALIDITY.minusDays(3));
        String renewed = SelfSignedCertificate.loadOrCreate(dataDir, "0.0.0.0", late).sha256Fingerprint();
        assertThat(renewed).isNotEqualTo(first);
        Files.writeString(dataDir.resolve("tls").resolve(SelfSignedCertificate.KEY_FILE), "garbage");
        String remade = SelfSignedCertificate.loadOrCreate(dataDir, "0.0.0.0", late).sha256Fingerprint();
        assertThat(remade).isNotEqualTo(renewed);
        assertThat(TlsCredentials.load(dataDir.resolve("tls").resolve(SelfSignedCertificate.CERT_FILE),
                dataDir.resolve("tls").resolve(SelfSignedCertificate.KEY_FILE)).sha256Fingerprint()).isEqualTo(remade);
    }

    @Test
    void never_prints_the_private_key() {
        TlsCredentials c = SelfSignedCertificate.create(SelfSignedCertificate.names("127.0.0.1"), NOW);
        assertThat(c.toString()).contains("sha256=").doesNotContain("private");
        assertThat(List.copyOf(SelfSignedCertificate.names("::"))).doesNotContain("::");
    }
}
