package io.waddleperf.manager.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void argon2id_hashes_verify_and_differ_by_salt() {
        String a = hasher.hash("pässword with ünïcode");
        String b = hasher.hash("pässword with ünïcode");
        assertThat(a).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").isNotEqualTo(b);
        assertThat(hasher.verify("pässword with ünïcode", a)).isTrue();
        assertThat(hasher.verify("password with unicode", a)).isFalse();
        assertThat(hasher.needsRehash(a)).isFalse();
    }

    @Test
    void matches_the_rfc_9106_argon2id_construction_as_another_implementation_computes_it() {
        // the same parameters through Bouncy Castle's generator directly: our PHC string must carry exactly that digest
        String stored = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$";
        byte[] salt = java.util.Base64.getDecoder().decode("c29tZXNhbHRzb21lc2FsdA");
        var params = new org.bouncycastle.crypto.params.Argon2Parameters.Builder(
                org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id).withVersion(0x13).withMemoryAsKB(19456)
                .withIterations(2).withParallelism(1).withSalt(salt).build();
        var gen = new org.bouncycastle.crypto.generators.Argon2BytesGenerator();
        gen.init(params);
        byte[] out = new byte[32];
        gen.generateBytes("secret".getBytes(java.nio.charset.StandardCharsets.UTF_8), out);
        String full = stored + java.util.Base64.getEncoder().withoutPadding().encodeToString(out);
        assertThat(hasher.verify("secret", full)).isTrue();
        assertThat(hasher.verify("Secret", full)).isFalse();
    }

    @Test
    void bcrypt_hashes_of_the_original_verify_and_ask_for_a_rehash() {
        String bcrypt = OpenBSDBCrypt.generate("2b", "legacy".toCharArray(), new byte[16], 4);
        assertThat(hasher.verify("legacy", bcrypt)).isTrue();
        assertThat(hasher.verify("Legacy", bcrypt)).isFalse();
        assertThat(hasher.needsRehash(bcrypt)).isTrue();
        assertThat(hasher.verify("legacy", bcrypt.replace("$2b$", "$2y$"))).isTrue();
    }

    @Test
    void garbage_tampered_and_oversized_inputs_never_verify() {
        assertThat(hasher.verify("x", null)).isFalse();
        assertThat(hasher.verify("x", "")).isFalse();
        assertThat(hasher.verify("x", "plaintext")).isFalse();
        assertThat(hasher.verify("x", "$argon2id$v=19$m=99999999,t=2,p=1$c2FsdA$aGFzaA")).isFalse();
        assertThat(hasher.verify("x", "$2b$04$broken")).isFalse();
        String ok = hasher.hash("x");
        assertThat(hasher.verify("x".repeat(PasswordHasher.MAX_PASSWORD_CHARS + 1), ok)).isFalse();
        assertThat(hasher.needsRehash(ok.replace("t=2", "t=1"))).isTrue();
    }
}
