package io.waddleperf.testkit;

import java.io.IOException;
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

    private final Path dir;
    private final TestCertificates.Issued ca;
    private final Path caFile;

    private TrustFixture(Path dir, TestCertificates.Issued ca, Path caFile) {
        this.dir = dir;
        this.ca = ca;
        this.caFile = caFile;
    }

    /** A new test CA; its certificate is written to {@code dir/test-ca.crt}. */
    public static TrustFixture create(Path dir) throws IOException, GeneralSecurityException {
        TestCertificates.Issued ca = TestCertificates.certificateAuthority("WaddlePerf trust test CA", VALIDITY);
        return new TrustFixture(dir, ca, ca.writePem(dir, "test-ca").certificate());
    }

    /** The CA's certificate as a PEM file: the {@code ca_file} that makes this fixture's servers trusted. */
    public Path caFile() {
        return caFile;
    }

    /** A server identity for {@link TestCertificates#LOOPBACK_NAMES}, signed by the CA. */
    public TestCertificates.Issued loopbackServer() throws GeneralSecurityException {
        return TestCertificates.server(ca, TestCertificates.LOOPBACK_NAMES, VALIDITY);
    }

    /** A server identity for {@link #OTHER_NAME} only, signed by the CA: trusted, but not for a loopback address. */
    public TestCertificates.Issued otherNameServer() throws GeneralSecurityException {
        return TestCertificates.server(ca, List.of(OTHER_NAME), VALIDITY);
    }

    /** Writes {@code identity} as {@code <name>.crt} (chain) and {@code <name>.key} into this fixture's directory. */
    public TestCertificates.PemFiles write(TestCertificates.Issued identity, String name) throws IOException {
        return identity.writePem(dir, name);
    }
}
