package io.waddleperf.core.spec;

import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.Set;

/**
 * SSH connect, banner and key exchange timing ({@code ssh}, docs/RESULTS.md); with a password or key file also
 * {@code count} echo round trips over one session and an upload of {@code uploadBytes} (0: none). Passwords come
 * from the environment or a file, never a URI.
 */
public record SshSpec(String target, Endpoint endpoint, String user, String password, String keyFile, int count,
                      Duration timeout, int uploadBytes, String cipher) implements ProbeSpec {

    public static final int DEFAULT_PORT = 22;
    /** Eight times OpenSSH's 2 MiB initial window, so the rate is timed over a flowing channel (see the ssh probe). */
    public static final int DEFAULT_UPLOAD_BYTES = 16 << 20;
    public static final int MAX_UPLOAD_BYTES = 1 << 30;
    /**
     * The ciphers option {@code cipher} may name. Without it the probe offers the SSH library's default list, led by
     * ChaCha20-Poly1305 as OpenSSH's client does: under the launcher's C1-only JIT it uploads about 4x faster than
     * AES-GCM, whose JDK implementation is fast only where C2 compiles its intrinsics (docs/BENCHMARKS.md §6).
     */
    public static final java.util.List<String> CIPHERS = java.util.List.of(
            "chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "aes128-ctr",
            "aes192-ctr", "aes256-ctr");

    public static SshSpec of(String target, String user, String host, Integer port, ProbeOptions o) {
        if (user != null && user.contains(":")) {
            throw new InvalidSpecException("target", "passwords are not accepted in the URI; give the password option from the environment or a file");
        }
        Params p = Params.of(o, "ssh", Set.of("user", "password", "key_file", "upload_bytes", "cipher"));
        if (o.sizeBytes() != null && p.has("upload_bytes")) {
            throw new InvalidSpecException("size", "give the upload size once: --size or upload_bytes, not both");
        }
        int upload = o.sizeBytes() != null ? uploadBytes(o.sizeBytes())
                : p.integer("upload_bytes", DEFAULT_UPLOAD_BYTES, 0, MAX_UPLOAD_BYTES);
        return new SshSpec(target, new Endpoint(host, port == null ? DEFAULT_PORT : port), p.string("user", user),
                p.string("password", null), p.string("key_file", null), o.countOr(10), o.timeoutOr(Duration.ofSeconds(15)),
                upload, p.oneOf("cipher", null, new java.util.HashSet<>(CIPHERS)));
    }

    /** {@code --size} read as the upload size, bounded as {@code upload_bytes} is. */
    private static int uploadBytes(long size) {
        if (size > MAX_UPLOAD_BYTES) {
            throw new InvalidSpecException("size", "an ssh upload must be at most 1 GiB, got " + size + " bytes");
        }
        return (int) size;
    }

    /** True when credentials allow a session for echo round trips. */
    public boolean authenticates() {
        return user != null && (password != null || keyFile != null);
    }

    @Override
    public Duration budget() {
        return timeout.multipliedBy(2);
    }

    @Override
    public TestType testType() {
        return TestType.SSH;
    }

    @Override
    public String toString() {
        return "SshSpec[target=" + target + ", endpoint=" + endpoint + ", user=" + user + ", password="
                + (password == null ? "null" : "***") + ", keyFile=" + keyFile + ", count=" + count + ", timeout=" + timeout + ", uploadBytes=" + uploadBytes + ", cipher=" + cipher + "]";
    }
}
