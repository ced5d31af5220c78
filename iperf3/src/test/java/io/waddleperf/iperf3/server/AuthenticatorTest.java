package io.waddleperf.iperf3.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.iperf3.AuthToken;
import io.waddleperf.iperf3.Iperf3Error;
import io.waddleperf.iperf3.Iperf3Exception;
import io.waddleperf.iperf3.RsaPadding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthenticatorTest {

    private static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);

    @TempDir
    Path dir;
    private KeyPair keys;
    private Iperf3AuthConfig config;

    @BeforeEach
    void writeKeyAndUsers() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
        Path priv = dir.resolve("private.pem");
        Files.writeString(priv, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        Path users = dir.resolve("users.csv");
        // Comment, blank line, a line without comma, CRLF endings and empty fields, as iperf3's reader tolerates.
        Files.writeString(users, "# user,sha256\r\n\r\nnocomma\r\n,,"
                + Authenticator.usersFileLine("mario", "rossi") + "\r\n"
                + Authenticator.usersFileLine("luigi", "verdi") + "\n");
        config = Iperf3AuthConfig.of(priv, users);
    }

    private Authenticator authenticator() throws IOException {
        return Authenticator.load(config, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private String token(String user, String password, long ts) throws Exception {
        return new AuthToken(user, password, ts).encrypt(keys.getPublic(), RsaPadding.PKCS1_V1_5);
    }

    @Test
    void password_hash_matches_the_iperf3_manual_example() {
        // iperf3(1), "AUTHENTICATION": S_USER=mario S_PASSWD=rossi; echo -n "{$S_USER}$S_PASSWD" | sha256sum
        assertThat(Authenticator.passwordHash("mario", "rossi"))
                .isEqualTo("bf7a49a846d44b454a5d11e7acfaf13d138bbe0b7483aa3e050879700572709b");
    }

    @Test
    void listed_users_with_fresh_tokens_are_accepted() throws Exception {
        Authenticator auth = authenticator();
        assertThat(auth.authenticate(token("mario", "rossi", NOW.getEpochSecond()))).isEqualTo("mario");
        assertThat(auth.authenticate(token("luigi", "verdi", NOW.getEpochSecond() - 10))).isEqualTo("luigi");
        assertThat(auth.authenticate(token("luigi", "verdi", NOW.getEpochSecond() + 10))).isEqualTo("luigi");
    }

    @Test
    void wrong_password_unknown_user_stale_token_and_no_token_are_refused() throws Exception {
        Authenticator auth = authenticator();
        long now = NOW.getEpochSecond();
        assertRefused(auth, token("mario", "verdi", now), "unknown or wrong password");
        assertRefused(auth, token("peach", "rossi", now), "unknown or wrong password");
        assertRefused(auth, token("mario", "rossi", now - 11), "off the server clock");
        assertRefused(auth, token("mario", "rossi", now + 11), "off the server clock");
        assertRefused(auth, null, "no authtoken");
    }

    @Test
    void skew_threshold_is_configurable() throws Exception {
        config = config.withTimeSkewThreshold(Duration.ofSeconds(60));
        assertThat(authenticator().authenticate(token("mario", "rossi", NOW.getEpochSecond() - 59)))
                .isEqualTo("mario");
    }

    @Test
    void users_file_is_read_again_for_each_test() throws Exception {
        Authenticator auth = authenticator();
        String token = token("peach", "toad", NOW.getEpochSecond());
        assertRefused(auth, token, "unknown");
        Files.writeString(config.authorizedUsersPath(), Authenticator.usersFileLine("peach", "toad") + "\n");
        assertThat(auth.authenticate(token)).isEqualTo("peach");
    }

    @Test
    void unreadable_key_or_users_file_stops_the_server_from_starting() throws Exception {
        Iperf3AuthConfig noKey = Iperf3AuthConfig.of(dir.resolve("missing.pem"), config.authorizedUsersPath());
        assertThatThrownBy(() -> Authenticator.load(noKey, Clock.systemUTC())).isInstanceOf(IOException.class);
        Iperf3AuthConfig noUsers = Iperf3AuthConfig.of(config.rsaPrivateKeyPath(), dir.resolve("missing.csv"));
        assertThatThrownBy(() -> Authenticator.load(noUsers, Clock.systemUTC()))
                .hasMessageContaining("missing.csv");
    }

    private static void assertRefused(Authenticator auth, String token, String why) {
        assertThatThrownBy(() -> auth.authenticate(token)).isInstanceOfSatisfying(Iperf3Exception.class, e -> {
            assertThat(e.error()).isEqualTo(Iperf3Error.IEAUTHTEST);
            assertThat(e.getMessage()).contains(why);
        });
    }
}
