package io.waddleperf.probes.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.SshSpec;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.testkit.OpenSshServer;
import io.waddleperf.testkit.ResultSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ssh} probe against Debian's OpenSSH sshd and against loopback listeners that are not SSH servers. */
class SshProberIT {

    @TempDir
    static Path dir;
    private static OpenSshServer sshd;

    @BeforeAll
    static void startSshd() throws Exception {
        OpenSshServer.assumeAvailable();
        sshd = OpenSshServer.start(dir.resolve("sshd"), true);
    }

    @AfterAll
    static void stopSshd() {
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    void reports_banner_key_exchange_and_host_key_without_credentials() throws Exception {
        ProbeResult r = probe("ssh://127.0.0.1:" + sshd.port(), Map.of());

        assertThat(r.success()).as(r.error() + "\n" + sshd.log()).isTrue();
        assertThat(r.serverVersion()).startsWith("SSH-2.0-OpenSSH");
        assertThat(r.targetIp()).isEqualTo("127.0.0.1");
        assertThat(r.connectMs()).isPositive();
        assertThat((Double) r.rawResults().get("banner_ms")).isPositive();
        assertThat((Double) r.rawResults().get("kex_ms")).isPositive();
        assertThat(r.totalTimeMs()).isGreaterThanOrEqualTo(r.connectMs());
        assertThat(r.rawResults()).containsEntry("host_key_type", "ssh-ed25519")
                .containsEntry("host_key_fingerprint", sshKeygenFingerprint(sshd.directory().resolve("ssh_host_ed25519_key.pub")))
                .containsKeys("kex_algorithm", "cipher")
                .doesNotContainKeys("auth_ms", "echo_completed");
        assertThat(r.latencyMs()).isNull();
    }

    @Test
    void negotiates_chacha20_as_openssh_does_unless_a_cipher_is_named() {
        assertThat(probe("ssh://127.0.0.1:" + sshd.port(), Map.of()).rawResults())
                .containsEntry("cipher", "chacha20-poly1305@openssh.com");
        ProbeResult gcm = probe("ssh://127.0.0.1:" + sshd.port(), Map.of("cipher", "aes128-gcm@openssh.com"));
        assertThat(gcm.success()).as(gcm.error()).isTrue();
        assertThat(gcm.rawResults()).containsEntry("cipher", "aes128-gcm@openssh.com");
    }

    @Test
    void a_cipher_the_server_does_not_accept_fails_the_key_exchange_naming_it() throws Exception {
        Path only = dir.resolve("sshd-ctr-only");
        try (OpenSshServer ctrOnly = OpenSshServer.start(only, false, "Ciphers aes256-ctr")) {
            ProbeResult r = probe("ssh://127.0.0.1:" + ctrOnly.port(), Map.of("cipher", "aes128-gcm@openssh.com"));
            assertThat(r.success()).isFalse();
            assertThat(r.error()).as(r.error()).contains("aes128-gcm@openssh.com");
        }
    }

    @Test
    void measures_authentication_echo_round_trips_and_upload_with_the_user_key() {
        Map<String, String> params = Map.of("key_file", sshd.userKey().toString(), "upload_bytes", "262144");
        ProbeResult r = probe("ssh://" + sshd.user() + "@127.0.0.1:" + sshd.port(), params);

        assertThat(r.success()).as(r.error() + "\n" + sshd.log()).isTrue();
        assertThat(r.rawResults()).containsEntry("auth_method", "publickey")
                .containsEntry("echo_requested", 10)
                .containsEntry("echo_completed", 10)
                .containsEntry("upload_method", "exec: cat > /dev/null");
        assertThat((Double) r.rawResults().get("auth_ms")).isPositive();
        assertThat((Double) r.rawResults().get("channel_open_ms")).isPositive();
        assertThat((Double) r.rawResults().get("echo_warmup_ms")).isPositive();
        assertThat(r.minLatencyMs()).isPositive();
        assertThat(r.latencyMs()).isBetween(r.minLatencyMs(), r.maxLatencyMs());
        assertThat(r.p50LatencyMs()).isBetween(r.minLatencyMs(), r.maxLatencyMs());
        assertThat(r.p95LatencyMs()).isBetween(r.p50LatencyMs(), r.maxLatencyMs());
        assertThat(r.stddevLatencyMs()).isNotNull().isNotNegative();
        assertThat(r.jitterMs()).isNotNull();
        assertThat(r.sentBytes()).isEqualTo(262_144L);
        // 256 KiB fit in OpenSSH's first window: a rate would only time the channel's start-up, so none is given
        assertThat(r.uploadMbps()).isNull();
        assertThat((String) r.rawResults().get("upload_rate_omitted")).contains("does not exceed the server's window");
        assertThat((Double) r.rawResults().get("upload_ms")).isPositive();
    }

    @Test
    void times_the_upload_rate_only_once_the_channel_flows() {
        int bytes = 16 << 20;
        Map<String, String> params = Map.of("key_file", sshd.userKey().toString(), "upload_bytes", String.valueOf(bytes));
        ProbeResult r = probe("ssh://" + sshd.user() + "@127.0.0.1:" + sshd.port(), params);

        assertThat(r.success()).as(r.error() + "\n" + sshd.log()).isTrue();
        long window = ((Number) r.rawResults().get("upload_window_bytes")).longValue();
        long timed = ((Number) r.rawResults().get("upload_timed_bytes")).longValue();
        double timedMs = (Double) r.rawResults().get("upload_timed_ms");
        assertThat(window).isPositive().isLessThan(bytes);
        // more than the first window was written before the clock started; what the server had not yet granted back counts
        assertThat(timed).isLessThan(bytes).isGreaterThan(0);
        assertThat(timedMs).isPositive().isLessThan((Double) r.rawResults().get("upload_ms"));
        assertThat(r.uploadMbps()).isCloseTo(timed * 8.0 / (timedMs / 1000.0) / 1e6, org.assertj.core.data.Offset.offset(0.01));
        assertThat(r.rawResults()).doesNotContainKey("upload_rate_omitted");
    }

    @Test
    void reports_auth_failed_with_handshake_metrics_for_a_key_the_server_does_not_know() throws Exception {
        Path stranger = OpenSshServer.generateKey(dir, "stranger_key");
        ProbeResult r = probe("ssh://" + sshd.user() + "@127.0.0.1:" + sshd.port(), Map.of("key_file", stranger.toString()));

        assertThat(r.success()).isFalse();
        assertThat(r.error()).startsWith("auth_failed");
        assertThat(r.serverVersion()).startsWith("SSH-2.0-OpenSSH");
        assertThat(r.connectMs()).isPositive();
        assertThat(r.rawResults()).containsKeys("banner_ms", "kex_ms", "host_key_fingerprint").doesNotContainKey("auth_ms");
        assertThat(r.latencyMs()).isNull();
    }

    @Test
    void reports_auth_failed_for_a_wrong_password() {
        ProbeResult r = probe("ssh://" + sshd.user() + "@127.0.0.1:" + sshd.port(), Map.of("password", "not-the-password"));

        assertThat(r.success()).isFalse();
        assertThat(r.error()).startsWith("auth_failed").contains("password");
        assertThat(r.rawResults()).containsKeys("banner_ms", "kex_ms");
    }

    @Test
    void reports_ssh_error_with_exit_status_when_the_server_forces_another_command() throws Exception {
        try (OpenSshServer forced = OpenSshServer.start(dir.resolve("forced"), false, "ForceCommand echo maintenance >&2; exit 3")) {
            ProbeResult r = probe("ssh://" + forced.user() + "@127.0.0.1:" + forced.port(), Map.of("key_file", forced.userKey().toString()));

            assertThat(r.success()).isFalse();
            assertThat(r.error()).isEqualTo("ssh_error: remote 'cat' ended before the first echo with exit status 3: maintenance");
            assertThat(r.rawResults()).containsKeys("auth_ms", "channel_open_ms").doesNotContainKey("echo_warmup_ms");
        }
    }

    @Test
    void reports_connection_refused_on_a_closed_port_not_success() throws IOException {
        // Regression: the original WaddlePerf's SSH probe reported success when the connection was refused.
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        ProbeResult r = probe("ssh://127.0.0.1:" + closedPort, Map.of());

        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("connection_refused");
        assertThat(r.serverVersion()).isNull();
    }

    @Test
    void reports_protocol_error_when_an_http_server_answers() throws Exception {
        byte[] http = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (ScriptedListener http400 = new ScriptedListener(out -> out.write(http), true)) {
            ProbeResult r = probe("ssh://127.0.0.1:" + http400.port(), Map.of());

            assertThat(r.success()).isFalse();
            assertThat(r.error()).isEqualTo("protocol_error: not an SSH server (it sent 'HTTP/1.1 400 Bad Request')");
            assertThat(r.connectMs()).isPositive();
            assertThat(r.serverVersion()).isNull();
        }
    }

    @Test
    void reports_protocol_error_for_binary_garbage() throws Exception {
        try (ScriptedListener garbage = new ScriptedListener(out -> out.write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 0x00}), false)) {
            ProbeResult r = probe("ssh://127.0.0.1:" + garbage.port(), Map.of());

            assertThat(r.success()).isFalse();
            assertThat(r.error()).startsWith("protocol_error: not an SSH server");
        }
    }

    @Test
    void reports_timeout_when_a_listener_never_sends_a_banner() throws Exception {
        CountDownLatch hangUp = new CountDownLatch(1);
        try (ScriptedListener silent = new ScriptedListener(out -> hangUp.await(30, TimeUnit.SECONDS), false)) {
            ProbeResult r = probe("ssh://127.0.0.1:" + silent.port(), Map.of(), Duration.ofSeconds(1));

            assertThat(r.success()).isFalse();
            assertThat(r.error()).isEqualTo("timeout: no SSH identification from the server within 1000 ms");
            assertThat(r.connectMs()).isPositive();
        } finally {
            hangUp.countDown();
        }
    }

    @Test
    void reports_ssh_error_when_the_server_closes_without_a_word() throws Exception {
        try (ScriptedListener closer = new ScriptedListener(out -> { }, true)) {
            ProbeResult r = probe("ssh://127.0.0.1:" + closer.port(), Map.of());

            assertThat(r.success()).isFalse();
            assertThat(r.error()).isEqualTo("ssh_error: connection closed by server (before the server's identification)");
        }
    }

    @Test
    void rejects_an_unreadable_key_file_naming_the_option() {
        ProbeResult r = probe("ssh://root@127.0.0.1:" + sshd.port(), Map.of("key_file", dir.resolve("absent").toString()));

        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("invalid_target: key_file '" + dir.resolve("absent") + "' cannot be read: no such file");
    }

    private static ProbeResult probe(String target, Map<String, String> params) {
        return probe(target, params, Duration.ofSeconds(10));
    }

    private static ProbeResult probe(String target, Map<String, String> params, Duration timeout) {
        SshSpec spec = (SshSpec) TargetParser.parse(target, new ProbeOptions(null, null, timeout, null, new HashMap<>(params)));
        return ResultSchema.assertValid(ProbeRunner.runWith(spec, SshProber.INSTANCE, ProbeContext.of(Source.CLI)));
    }

    /** The SHA256 fingerprint as OpenSSH's own {@code ssh-keygen -l} prints it, to check ours against. */
    private static String sshKeygenFingerprint(Path publicKey) throws Exception {
        Process p = new ProcessBuilder(OpenSshServer.SSH_KEYGEN.toString(), "-l", "-E", "sha256", "-f", publicKey.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return out.split(" ")[1];
    }

    /**
     * A loopback TCP listener that plays a non-SSH server on each accepted connection: it optionally reads the
     * client's first line (as an HTTP server reads its request line), runs a script on the output, then half-closes
     * and reads until the client hangs up, as servers with a lingering close do (so no RST races the data it sent).
     */
    private static final class ScriptedListener implements AutoCloseable {
        interface Script {
            void run(OutputStream out) throws Exception;
        }

        private final ServerSocket server;

        ScriptedListener(Script script, boolean readFirstLine) throws IOException {
            server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        InputStream in = s.getInputStream();
                        if (readFirstLine) {
                            for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
                                // skip the client's identification line
                            }
                        }
                        script.run(s.getOutputStream());
                        s.getOutputStream().flush();
                        s.shutdownOutput();
                        in.transferTo(OutputStream.nullOutputStream());
                    } catch (Exception e) {
                        // The listener is closed at the end of the test, or the prober hung up first.
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
