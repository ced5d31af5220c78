package io.waddleperf.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a server's self-signed certificate at first start and keeps it in its data folder
 * ({@code tls/self-signed-cert.pem}, {@code tls/self-signed-key.pem}, the key readable by the owner only), so
 * clients that pinned it keep working across restarts. The test server and the manager both serve HTTPS with it
 * when given no certificate of their own. A new one is made only when the stored one is missing,
 * unreadable, or within {@link #RENEW_BEFORE} of expiry. Made by {@link CertificateMaker}; names: localhost,
 * the machine's host name, 127.0.0.1, ::1 and the bind address.
 */
public final class SelfSignedCertificate {

    public static final String DIRECTORY = "tls";
    public static final String CERT_FILE = "self-signed-cert.pem";
    public static final String KEY_FILE = "self-signed-key.pem";
    /** Validity of a new certificate: 825 days, the longest macOS and iOS accept for TLS server certificates. */
    static final Duration VALIDITY = Duration.ofDays(825);
    static final Duration RENEW_BEFORE = Duration.ofDays(7);

    private static final Logger LOG = LoggerFactory.getLogger(SelfSignedCertificate.class);

    private SelfSignedCertificate() {
    }

    /** The stored certificate of {@code dataDir}, or a new one stored there. */
    public static TlsCredentials loadOrCreate(Path dataDir, String bindAddress, Clock clock) throws IOException {
        Path dir = dataDir.resolve(DIRECTORY);
        Path certFile = dir.resolve(CERT_FILE);
        Path keyFile = dir.resolve(KEY_FILE);
        if (Files.isReadable(certFile) && Files.isReadable(keyFile)) {
            try {
                TlsCredentials stored = TlsCredentials.load(certFile, keyFile);
                Instant notAfter = stored.certificate().getNotAfter().toInstant();
                if (notAfter.isAfter(clock.instant().plus(RENEW_BEFORE))) {
                    return stored;
                }
                LOG.info("self-signed certificate in {} expires {}; making a new one", certFile, notAfter);
            } catch (IOException e) {
                LOG.warn("self-signed certificate in {} is unusable ({}); making a new one", certFile, e.getMessage());
            }
        }
        TlsCredentials fresh = create(names(bindAddress), clock);
        store(fresh, dir, certFile, keyFile);
        LOG.info("made self-signed certificate {} (SHA-256 {})", certFile, fresh.sha256Fingerprint());
        return fresh;
    }

    /** A new self-signed certificate for the given DNS names and IP address literals. */
    static TlsCredentials create(Set<String> names, Clock clock) {
        return CertificateMaker.server(List.copyOf(names)).commonName("WaddlePerf self-signed " + names.iterator().next())
                .clock(clock).validFor(VALIDITY).selfSigned();
    }

    static Set<String> names(String bindAddress) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost"));
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            LOG.debug("no local host name for the certificate: {}", e.getMessage());
        }
        names.add("127.0.0.1");
        names.add("::1");
        if (bindAddress != null && isAddress(bindAddress)) {
            names.add(bindAddress);
        }
        return names;
    }

    /** An address literal other than the wildcard, which no client dials. */
    private static boolean isAddress(String text) {
        try {
            return !InetAddress.ofLiteral(text).isAnyLocalAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Writes both files through temporary names and moves them in place, the key never world-readable. */
    private static void store(TlsCredentials credentials, Path dir, Path certFile, Path keyFile) throws IOException {
        Files.createDirectories(dir);
        Path keyTmp = ownerOnlyTempFile(dir);
        Files.writeString(keyTmp, credentials.privateKeyPem(), StandardCharsets.US_ASCII);
        Path certTmp = Files.createTempFile(dir, ".cert", ".tmp");
        Files.writeString(certTmp, credentials.certificatePem(), StandardCharsets.US_ASCII);
        move(keyTmp, keyFile);
        move(certTmp, certFile);
    }

    private static Path ownerOnlyTempFile(Path dir) throws IOException {
        try {
            return Files.createTempFile(dir, ".key", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            return Files.createTempFile(dir, ".key", ".tmp"); // not POSIX (Windows): the folder's ACL applies
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
