package io.waddleperf.manager.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerKeyTest {

    @TempDir
    Path dir;

    @Test
    void sealed_bytes_open_only_with_the_same_key_and_context_and_unaltered() {
        ServerKey key = ServerKey.random();
        byte[] secret = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        byte[] alice = {1, 2, 3};
        byte[] sealed = key.seal(secret, alice);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("1234567890");
        assertThat(key.open(sealed, alice)).hasValue(secret);
        assertThat(key.seal(secret, alice)).as("a fresh nonce each time").isNotEqualTo(sealed);
        assertThat(key.open(sealed, new byte[] {9})).as("moved to another user's row").isEmpty();
        assertThat(ServerKey.random().open(sealed, alice)).as("another manager's key").isEmpty();
        byte[] altered = sealed.clone();
        altered[altered.length - 1] ^= 1;
        assertThat(key.open(altered, alice)).isEmpty();
        assertThat(key.open(new byte[] {1, 2}, alice)).isEmpty();
    }

    @Test
    void csrf_tokens_belong_to_one_session_and_one_key() {
        ServerKey key = ServerKey.random();
        byte[] session = Tokens.digest(Tokens.newSessionToken());
        String token = key.csrfToken(session);
        assertThat(token).hasSize(64).isEqualTo(key.csrfToken(session));
        assertThat(key.isCsrfToken(token, session)).isTrue();
        assertThat(key.isCsrfToken(token, Tokens.digest(Tokens.newSessionToken()))).isFalse();
        assertThat(ServerKey.random().isCsrfToken(token, session)).isFalse();
        assertThat(key.isCsrfToken(null, session)).isFalse();
        assertThat(key.isCsrfToken("", session)).isFalse();
    }

    @Test
    void a_key_file_is_made_owner_only_once_and_read_back() throws Exception {
        Path file = dir.resolve("sub/secret.key");
        ServerKey made = ServerKey.loadOrCreate(file);
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
        assertThat(ServerKey.loadOrCreate(file)).isEqualTo(made);
        assertThat(ServerKey.fromBase64(Files.readString(file))).isEqualTo(made);
        assertThat(Files.list(file.getParent())).containsExactly(file);
    }

    @Test
    void nodes_starting_together_end_up_with_one_key() throws Exception {
        Path file = dir.resolve("secret.key");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<ServerKey>> tasks = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                tasks.add(() -> ServerKey.loadOrCreate(file));
            }
            Set<ServerKey> keys = new HashSet<>();
            for (Future<ServerKey> f : pool.invokeAll(tasks)) {
                keys.add(f.get());
            }
            assertThat(keys).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void bad_keys_are_refused_without_echoing_them() throws Exception {
        assertThatThrownBy(() -> ServerKey.fromBase64("c2hvcnQ=")).hasMessageContaining("32 bytes").hasMessageNotContaining("c2hvcnQ");
        assertThatThrownBy(() -> ServerKey.fromBase64("not base64!")).hasMessageContaining("not Base64");
        Path file = dir.resolve("secret.key");
        Files.writeString(file, "garbage");
        assertThatThrownBy(() -> ServerKey.loadOrCreate(file)).hasMessageContaining(file.toString());
    }
}
