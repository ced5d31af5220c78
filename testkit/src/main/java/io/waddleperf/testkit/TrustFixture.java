package io.waddleperf.testkit;

import io.waddleperf.tls.CertificateMaker;
import io.waddleperf.tls.TlsCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;

/**
 * The certificates a test of the TLS client options ({@code ca_file}, {@code verify}) needs, made once in a
 * directory: a test CA written as the PEM file to pass as {@code ca_file}, and server certificates it signs, either
 * for the loopback names (the right name) or for a name the loopback server does not have (a host name mismatch
 * under a trusted CA). The one place where probe, test server and CLI tests make such certificates.
 */
public final class TrustFixture {

    /** A DNS name no loopback server answers to (RFC 2606 reserves example.com). */
    public static final String OTHER_NAME = "not-this-host.example.com";

    private static final Duration VALIDITY = Duration.ofDays(30);

    /** A certificate chain and its private key written as PEM files. */
    public record PemFiles(Path certificate, Path privateKey) {
    }

    private final Path dir;
    private final TlsCredentials ca;
    private final Path caFile;

    private TrustFixture(Path dir, TlsCredentials ca, Path caFile) {
        this.dir = dir;
        this.ca = ca;
        this.caFile = caFile;
    }

    /** A new test CA; its certificate is written to {@code dir/test-ca.crt}. */
    public static TrustFixture create(Path dir) throws IOException, GeneralSecurityException {
        TlsCredentials ca = CertificateMaker.authority("WaddlePerf trust test CA").validFor(VALIDITY).selfSigned();
        Path caFile = Files.writeString(dir.resolve("test-ca.crt"), ca.certificatePem());
        return new TrustFixture(dir, ca, caFile);
    }

    /** The CA's certificate as a PEM file: the {@code ca_file} that makes this fixture's servers trusted. */
    public Path caFile() {
        return caFile;
    }

    /** A server identity for {@link CertificateMaker#LOOPBACK_NAMES}, signed by the CA. */
    public TlsCredentials loopbackServer() throws GeneralSecurityException {
        return CertificateMaker.server(CertificateMaker.LOOPBACK_NAMES).validFor(VALIDITY).signedBy(ca);
    }

    /** A server identity for {@link #OTHER_NAME} only, signed by the CA: trusted, but not for a loopback address. */
    public TlsCredentials otherNameServer() throws GeneralSecurityException {
        return CertificateMaker.server(List.of(OTHER_NAME)).validFor(VALIDITY).signedBy(ca);
    }

    /** Writes {@code identity} as {@code <name>.crt} (chain) and {@code <name>.key} into this fixture's directory. */
    public PemFiles write(TlsCredentials identity, String name) throws IOException {
        return new PemFiles(Files.writeString(dir.resolve(name + ".crt"), identity.certificatePem()),
                Files.writeString(dir.resolve(name + ".key"), identity.privateKeyPem()));
    }
}
