package io.waddleperf.testserver.speed;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.testkit.ResultSchema;
import io.waddleperf.testkit.TrustFixture;
import io.waddleperf.testserver.TestServer;
import io.waddleperf.testserver.LoopbackConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rpm and speedtest probes against this test server's own HTTPS port, checked as the http and tls probes check
 * a server: {@code ca_file} adds a trusted CA, the host name must match, {@code verify=false} measures anyway. Two
 * servers: one whose certificate names the loopback addresses, one whose certificate (from the same CA) does not.
 */
class SpeedProbesTlsIT {

    @TempDir
    static Path dir;

    private static TrustFixture trust;
    private static TestServer rightName;
    private static TestServer otherName;

    @BeforeAll
    static void start() throws Exception {
        trust = TrustFixture.create(dir);
        rightName = server(trust.write(trust.loopbackServer(), "loopback"), "right");
        otherName = server(trust.write(trust.otherNameServer(), "other"), "other");
    }

    private static TestServer server(TrustFixture.PemFiles pem, String name) throws Exception {
        return TestServer.start(LoopbackConfig.of(Files.createDirectories(dir.resolve(name)), "https_enabled", "true",
                "https_port", "0", "auth_disabled", "true", "tls_cert_file", pem.certificate().toString(),
                "tls_key_file", pem.privateKey().toString()));
    }

    @AfterAll
    static void stop() {
        if (rightName != null) {
            rightName.close();
        }
        if (otherName != null) {
            otherName.close();
        }
    }

    /** A short run of {@code probe} over TLS to {@code server}'s HTTPS port with {@code extra} options. */
    private static ProbeResult run(String probe, TestServer server, String extra) {
        // rpm's budget: 3 s saw "no probe completed under load" on a 2-core machine at load 10+ (3 of 6 runs); these
        // tests are about trust, not timing, so the budget leaves room for a slow TLS handshake under load
        String shortRun = probe.equals("rpm")
                ? "interval_ms=300&max_duration_ms=8000&probe_interval_ms=50&max_connections=2"
                : "duration_ms=500&download_grace_ms=100&upload_grace_ms=100&stream_delay_ms=20"
                        + "&download_streams=2&upload_streams=2&pings=2";
        String target = probe + "://127.0.0.1:" + server.httpsPort().orElseThrow() + "?tls=true&" + shortRun + extra;
        ProbeResult r = ProbeRunner.run(TargetParser.parse(target, ProbeOptions.DEFAULTS), ProbeContext.of(Source.CLI));
        ResultSchema.assertValid(r);
        System.out.println(target + " -> " + r);
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"rpm", "speedtest"})
    void measures_over_tls_when_the_ca_file_trusts_the_server_and_the_name_matches(String probe) {
        ProbeResult r = run(probe, rightName, "&ca_file=" + trust.caFile());
        assertThat(r.success()).as(r.error()).isTrue();
        assertThat(r.rawResults()).containsEntry("tls_verified", true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rpm", "speedtest"})
    void fails_on_a_trusted_certificate_for_another_name(String probe) {
        ProbeResult r = run(probe, otherName, "&ca_file=" + trust.caFile());
        assertThat(r.success()).isFalse();
        assertThat(r.error()).startsWith("tls_error: hostname mismatch").contains("127.0.0.1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rpm", "speedtest"})
    void fails_on_a_certificate_from_an_untrusted_ca(String probe) {
        ProbeResult r = run(probe, rightName, "");
        assertThat(r.success()).isFalse();
        assertThat(r.error()).startsWith("tls_error: untrusted certificate");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rpm", "speedtest"})
    void verify_false_measures_an_untrusted_server_for_another_name_and_says_so(String probe) {
        ProbeResult r = run(probe, otherName, "&verify=false");
        assertThat(r.success()).as(r.error()).isTrue();
        assertThat(r.rawResults()).containsEntry("tls_verified", false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rpm", "speedtest"})
    void a_missing_ca_file_is_an_error_naming_the_file(String probe) {
        ProbeResult r = run(probe, rightName, "&ca_file=" + dir.resolve("missing.pem"));
        assertThat(r.success()).isFalse();
        assertThat(r.error()).startsWith("invalid_target: ca_file").contains("missing.pem").contains("cannot be read");
    }
}
