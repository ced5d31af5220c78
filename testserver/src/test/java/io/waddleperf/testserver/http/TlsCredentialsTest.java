package io.waddleperf.testserver.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.testkit.Requirements;
import io.waddleperf.tls.CertificateMaker;
import io.waddleperf.tls.TlsCredentials;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsCredentialsTest {

    @TempDir
    Path dir;

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    /** Runs the openssl command line tool in the temp folder, as an operator would to make a certificate. */
    private void openssl(String... args) throws Exception {
        Requirements.require(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed (apt-get install openssl)");
        List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    private static TlsCredentials made() {
        return CertificateMaker.server(List.of("localhost")).validFor(Duration.ofDays(1)).selfSigned();
    }

    @Test
    void reads_a_pkcs8_key_with_its_certificate_as_bouncy_castle_writes_them() throws Exception {
        TlsCredentials made = made();
        Path cert = Files.writeString(dir.resolve("cert.pem"), pem(made.certificate()));
        Path pkcs8 = Files.writeString(dir.resolve("pkcs8.pem"), pem(new JcaPKCS8Generator(made.privateKey(), null)));
        assertThat(Files.readString(pkcs8)).startsWith("-----BEGIN PRIVATE KEY-----");
        TlsCredentials read = TlsCredentials.load(cert, pkcs8);
        assertThat(read.sha256Fingerprint()).isEqualTo(made.sha256Fingerprint());
        assertThat(read.keyMatchesCertificate()).isTrue();
    }

    @Test
    void reads_openssl_made_rsa_pkcs1_and_ec_sec1_keys() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "rsa8.pem", "-out", "rsa-cert.pem",
                "-subj", "/CN=localhost", "-days", "2");
        openssl("rsa", "-in", "rsa8.pem", "-traditional", "-out", "rsa1.pem");
        assertThat(Files.readString(dir.resolve("rsa1.pem"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        TlsCredentials rsa = TlsCredentials.load(dir.resolve("rsa-cert.pem"), dir.resolve("rsa1.pem"));
        assertThat(rsa.privateKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(rsa.keyMatchesCertificate()).isTrue();

        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec1.pem");
        openssl("req", "-x509", "-key", "ec1.pem", "-out", "ec-cert.pem", "-subj", "/CN=localhost", "-days", "2");
        assertThat(Files.readString(dir.resolve("ec1.pem"))).startsWith("-----BEGIN EC PRIVATE KEY-----");
        TlsCredentials ec = TlsCredentials.load(dir.resolve("ec-cert.pem"), dir.resolve("ec1.pem"));
        assertThat(ec.privateKey().getAlgorithm()).isEqualTo("EC");
        assertThat(ec.keyStore("k", "pw".toCharArray()).isKeyEntry("k")).isTrue();
    }

    @Test
    void refuses_a_key_that_does_not_belong_to_the_certificate() throws Exception {
        TlsCredentials made = made();
        TlsCredentials other = made();
        Path cert = Files.writeString(dir.resolve("cert.pem"), pem(made.certificate()));
        Path key = Files.writeString(dir.resolve("key.pem"), pem(new JcaPKCS8Generator(other.privateKey(), null)));
        assertThatThrownBy(() -> TlsCredentials.load(cert, key)).hasMessageContaining("does not belong");
    }

    @Test
    void refuses_files_without_pem_content() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not pem\n");
        assertThatThrownBy(() -> TlsCredentials.load(empty, empty)).hasMessageContaining("no PEM certificate");
    }
}
