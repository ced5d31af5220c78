package io.waddleperf.iperf3.server;

import io.waddleperf.iperf3.AuthToken;
import io.waddleperf.iperf3.Iperf3Error;
import io.waddleperf.iperf3.Iperf3Exception;
import io.waddleperf.iperf3.RsaKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The server's check of a client's {@code authtoken} ({@code test_is_authorized}, {@code check_authentication},
 * {@code src/iperf_auth.c}): decrypt with the private key, timestamp within the skew threshold of the server clock,
 * then a line {@code user,sha256hex("{user}password")} in the authorized-users file.
 */
final class Authenticator {

    private final Iperf3AuthConfig config;
    private final PrivateKey key;
    private final Clock clock;

    private Authenticator(Iperf3AuthConfig config, PrivateKey key, Clock clock) {
        this.config = config;
        this.key = key;
        this.clock = clock;
    }

    /** Loads the private key now, so a bad key file stops the server from starting rather than failing each test. */
    static Authenticator load(Iperf3AuthConfig config, Clock clock) throws IOException {
        PrivateKey key = RsaKeys.readPrivateKey(config.rsaPrivateKeyPath());
        if (!Files.isReadable(config.authorizedUsersPath())) {
            throw new IOException("authorized users file " + config.authorizedUsersPath() + " is not readable");
        }
        return new Authenticator(config, key, clock);
    }

    /**
     * Accepts a test or fails with {@link Iperf3Error#IEAUTHTEST}, iperf3's single answer for every reason (no
     * token, undecryptable, stale, unknown user, wrong password), so a client learns nothing about which it was.
     *
     * @return the authenticated user name
     */
    String authenticate(String authToken) throws Iperf3Exception {
        if (authToken == null) {
            throw new Iperf3Exception(Iperf3Error.IEAUTHTEST, "no authtoken (client ran without --username)");
        }
        AuthToken token = AuthToken.decrypt(authToken, key, config.paddings());
        long skewSeconds = Math.abs(clock.instant().getEpochSecond() - token.timestampSeconds());
        if (skewSeconds > config.timeSkewThreshold().toSeconds()) {
            throw new Iperf3Exception(Iperf3Error.IEAUTHTEST, "user " + token.username() + ": token timestamp is "
                    + skewSeconds + " s off the server clock (threshold " + config.timeSkewThreshold() + ")");
        }
        if (!listed(token.username(), passwordHash(token.username(), token.password()))) {
            throw new Iperf3Exception(Iperf3Error.IEAUTHTEST,
                    "user " + token.username() + " unknown or wrong password");
        }
        return token.username();
    }

    /** {@code sha256("{user}password")} in lower-case hex, the form kept in the authorized-users file. */
    static String passwordHash(String username, String password) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("{" + username + "}" + password).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** One line of an authorized-users file for these credentials. */
    static String usersFileLine(String username, String password) {
        return username + "," + passwordHash(username, password);
    }

    /**
     * Scans the file as iperf3 does: a line ends at its first CR or LF; empty lines, lines without a comma and lines
     * starting with {@code #} are skipped; fields are split on commas with empty fields dropped ({@code strtok}).
     */
    private boolean listed(String username, String hash) throws Iperf3Exception {
        byte[] wanted = hash.getBytes(StandardCharsets.US_ASCII);
        boolean found = false;
        try (BufferedReader in = Files.newBufferedReader(config.authorizedUsersPath(), StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isEmpty() || line.startsWith("#") || line.indexOf(',') < 0) {
                    continue;
                }
                List<String> fields = Arrays.stream(line.split(",")).filter(f -> !f.isEmpty()).toList();
                if (fields.size() >= 2 && fields.get(0).equals(username)
                        && MessageDigest.isEqual(fields.get(1).getBytes(StandardCharsets.US_ASCII), wanted)) {
                    found = true;
                }
            }
        } catch (IOException e) {
            throw new Iperf3Exception(Iperf3Error.IEAUTHTEST, 0,
                    "cannot read " + config.authorizedUsersPath() + ": " + e.getMessage(), e);
        }
        return found;
    }
}
