package io.waddleperf.manager.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.manager.auth.Totp.Algorithm;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** TOTP and Base32 against the test vectors of RFC 6238 (Appendix B), RFC 4226 (Appendix D) and RFC 4648 (§10). */
class TotpTest {

    private static final byte[] SEED_SHA1 = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEED_SHA256 = "12345678901234567890123456789012".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEED_SHA512 = ("1234567890123456789012345678901234567890123456789012345678901234")
            .getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest(name = "T={0}s {2}")
    @CsvSource({
        "59,          94287082, SHA1",
        "59,          46119246, SHA256",
        "59,          90693936, SHA512",
        "1111111109,  07081804, SHA1",
        "1111111109,  68084774, SHA256",
        "1111111109,  25091201, SHA512",
        "1111111111,  14050471, SHA1",
        "1111111111,  67062674, SHA256",
        "1111111111,  99943326, SHA512",
        "1234567890,  89005924, SHA1",
        "1234567890,  91819424, SHA256",
        "1234567890,  93441116, SHA512",
        "2000000000,  69279037, SHA1",
        "2000000000,  90698825, SHA256",
        "2000000000,  38618901, SHA512",
        "20000000000, 77737706, SHA256",
        "20000000000, 65353130, SHA1",
        "20000000000, 47863826, SHA512"})
    void rfc6238_appendix_b(long unixTime, String expected, Algorithm algorithm) {
        byte[] seed = switch (algorithm) {
            case SHA1 -> SEED_SHA1;
            case SHA256 -> SEED_SHA256;
            case SHA512 -> SEED_SHA512;
        };
        long step = Totp.step(Instant.ofEpochSecond(unixTime), Totp.PERIOD);
        assertThat(Totp.code(seed, step, algorithm, 8)).isEqualTo(expected);
    }

    @Test
    void rfc4226_appendix_d_hotp_values() {
        List<String> expected = List.of("755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
                "399871", "520489");
        for (int counter = 0; counter < expected.size(); counter++) {
            assertThat(Totp.code(SEED_SHA1, counter, Algorithm.SHA1, 6)).as("counter %d", counter).isEqualTo(expected.get(counter));
        }
    }

    @Test
    void a_code_matches_its_step_and_the_neighbours_but_not_two_steps_away() {
        Instant now = Instant.parse("2026-05-01T12:00:10Z");
        long step = Totp.step(now, Totp.PERIOD);
        String current = Totp.code(SEED_SHA1, step, Algorithm.SHA1, 6);
        assertThat(Totp.match(SEED_SHA1, current, now)).isEqualTo(OptionalLong.of(step));
        assertThat(Totp.match(SEED_SHA1, Totp.code(SEED_SHA1, step - 1, Algorithm.SHA1, 6), now)).isEqualTo(OptionalLong.of(step - 1));
        assertThat(Totp.match(SEED_SHA1, Totp.code(SEED_SHA1, step + 1, Algorithm.SHA1, 6), now)).isEqualTo(OptionalLong.of(step + 1));
        assertThat(Totp.match(SEED_SHA1, Totp.code(SEED_SHA1, step - 2, Algorithm.SHA1, 6), now)).isEmpty();
        assertThat(Totp.match(SEED_SHA1, Totp.code(SEED_SHA1, step + 2, Algorithm.SHA1, 6), now)).isEmpty();
        assertThat(Totp.codeAt(SEED_SHA1, now)).isEqualTo(current);
    }

    @Test
    void malformed_codes_match_nothing() {
        Instant now = Instant.parse("2026-05-01T12:00:10Z");
        for (String bad : new String[] {null, "", "12345", "1234567", "12a456", "١٢٣٤٥٦"}) {
            assertThat(Totp.match(SEED_SHA1, bad, now)).as(String.valueOf(bad)).isEmpty();
        }
    }

    @Test
    void the_otpauth_uri_names_issuer_account_and_parameters() {
        String uri = Totp.uri("WaddlePerf", "ann lee@example.org", "12345678901234567890".getBytes(StandardCharsets.US_ASCII));
        assertThat(uri).isEqualTo("otpauth://totp/WaddlePerf:ann%20lee%40example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                + "&issuer=WaddlePerf&algorithm=SHA1&digits=6&period=30");
    }

    @ParameterizedTest
    @CsvSource({"'', ''", "f, MY", "fo, MZXQ", "foo, MZXW6", "foob, MZXW6YQ", "fooba, MZXW6YTB", "foobar, MZXW6YTBOI"})
    void base32_rfc4648_vectors_without_padding(String plain, String encoded) {
        byte[] bytes = plain.getBytes(StandardCharsets.US_ASCII);
        assertThat(Base32.encode(bytes)).isEqualTo(encoded);
        assertThat(Base32.decode(encoded)).isEqualTo(bytes);
    }

    @Test
    void base32_decoding_forgives_what_people_type() {
        assertThat(Base32.decode("mzxw 6ytb-oi======")).isEqualTo("foobar".getBytes(StandardCharsets.US_ASCII));
        byte[] secret = Totp.newSecret();
        assertThat(secret).hasSize(Totp.SECRET_BYTES);
        assertThat(Base32.decode(Base32.encode(secret))).isEqualTo(secret);
        assertThatThrownBy(() -> Base32.decode("MZXW1")).hasMessageContaining("'1'");
    }
}
