package io.waddleperf.iperf3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthTokenTest {

    private static KeyPair keys;
    private static KeyPair otherKeys;

    @BeforeAll
    static void generateKeys() throws NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
        otherKeys = generator.generateKeyPair();
    }

    @Test
    void plaintext_has_iperf3s_exact_layout() {
        assertThat(new AuthToken("mario", "rossi", 1_700_000_000L).plaintext())
                .isEqualTo("user: mario\npwd:  rossi\nts:   1700000000");
    }

    @Test
    void token_round_trips_with_either_padding() throws Exception {
        AuthToken token = new AuthToken("mario", "rossi", 1_700_000_000L);
        for (RsaPadding padding : RsaPadding.values()) {
            String wire = token.encrypt(keys.getPublic(), padding);
            assertThat(Base64.getDecoder().decode(wire)).hasSize(256);
            assertThat(AuthToken.decrypt(wire, keys.getPrivate(), List.of(RsaPadding.OAEP, RsaPadding.PKCS1_V1_5)))
                    .isEqualTo(token);
            assertThat(AuthToken.decrypt(wire, keys.getPrivate(), List.of(padding))).isEqualTo(token);
        }
    }

    @Test
    void server_limited_to_oaep_refuses_a_pkcs1_token() throws Exception {
        String wire = new AuthToken("mario", "rossi", 1L).encrypt(keys.getPublic(), RsaPadding.PKCS1_V1_5);
        assertThatThrownBy(() -> AuthToken.decrypt(wire, keys.getPrivate(), List.of(RsaPadding.OAEP)))
                .isInstanceOfSatisfying(Iperf3Exception.class,
                        e -> assertThat(e.error()).isEqualTo(Iperf3Error.IEAUTHTEST));
    }

    @Test
    void token_for_another_key_or_not_base64_is_an_auth_failure() throws Exception {
        String foreign = new AuthToken("mario", "rossi", 1L).encrypt(otherKeys.getPublic(), RsaPadding.PKCS1_V1_5);
        for (String wire : List.of(foreign, "not base64 !!", "", "AAAA")) {
            assertThatThrownBy(() -> AuthToken.decrypt(wire, keys.getPrivate(), List.of(RsaPadding.values())))
                    .as(wire)
                    .isInstanceOfSatisfying(Iperf3Exception.class,
                            e -> assertThat(e.error()).isEqualTo(Iperf3Error.IEAUTHTEST));
        }
    }

    @Test
    void parse_accepts_what_sscanf_accepts_and_refuses_the_rest() throws Exception {
        assertThat(AuthToken.parse("user: a\npwd:  b\nts:   -5")).isEqualTo(new AuthToken("a", "b", -5));
        assertThat(AuthToken.parse("user:a pwd:b ts:7")).isEqualTo(new AuthToken("a", "b", 7));
        for (String bad : List.of("", "user: a\npwd:  b", "user: a\npwd:  b\nts:   x", "pwd: b\nuser: a\nts: 1",
                "user: a\npwd:  b\nts:   99999999999999999999")) {
            assertThatThrownBy(() -> AuthToken.parse(bad)).as(bad).isInstanceOf(Iperf3Exception.class);
        }
    }

    @Test
    void a_control_character_java_calls_whitespace_is_an_auth_failure_not_an_unchecked_exception() {
        // Found by ControlChannelFuzzTest: regex \S lets U+001F through, the record's check refused it with an
        // IllegalArgumentException that escaped the server's protocol error handling.
        for (String bad : List.of("user: a\u001Fb\npwd:  c\nts:   1", "user: a\npwd:  \u2003x\nts:   1")) {
            assertThatThrownBy(() -> AuthToken.parse(bad)).as(bad)
                    .isInstanceOfSatisfying(Iperf3Exception.class,
                            e -> assertThat(e.error()).isEqualTo(Iperf3Error.IEAUTHTEST));
        }
    }

    @Test
    void credentials_with_whitespace_cannot_be_encoded() {
        assertThatThrownBy(() -> new AuthToken("a b", "c", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuthToken("a", "", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new AuthToken("a", "secret", 0).toString()).doesNotContain("secret");
    }

    @Test
    void pem_keys_written_as_openssl_writes_them_are_read_back(@TempDir Path dir) throws IOException {
        Path priv = dir.resolve("private.pem");
        Path pub = dir.resolve("public.pem");
        Files.writeString(priv, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        Files.writeString(pub, pem("PUBLIC KEY", keys.getPublic().getEncoded()));
        assertThat(RsaKeys.readPrivateKey(priv)).isEqualTo(keys.getPrivate());
        assertThat(RsaKeys.readPublicKey(pub)).isEqualTo(keys.getPublic());
        assertThatThrownBy(() -> RsaKeys.readPrivateKey(pub)).hasMessageContaining("PUBLIC KEY");
        Files.writeString(priv, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertThatThrownBy(() -> RsaKeys.readPrivateKey(priv)).hasMessageContaining("passphrase");
        Files.writeString(priv, "hello");
        assertThatThrownBy(() -> RsaKeys.readPrivateKey(priv)).hasMessageContaining("not a PEM file");
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
