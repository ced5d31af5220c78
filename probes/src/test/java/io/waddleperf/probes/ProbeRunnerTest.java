package io.waddleperf.probes;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.core.result.Device;
import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.core.spec.TcpSpec;
import io.waddleperf.testkit.ResultSchema;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProbeRunnerTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:34:56.123456Z");
    private static final Device DEVICE = new Device("SN-1", "probe-host", "Linux", "6.1", "cli", "0.1.0");
    private static final ProbeContext CONTEXT = new ProbeContext(MonotonicClock.SYSTEM,
            Clock.fixed(NOW, ZoneOffset.UTC), DEVICE, Source.AGENT, 2);

    private static TcpSpec spec(Duration timeout) {
        return TcpSpec.of("tcp://example.test:8080", "example.test", 8080,
                new ProbeOptions(1, Duration.ZERO, timeout, null, Map.of()));
    }

    private static ProbeResult run(Prober<TcpSpec> prober) {
        return ResultSchema.assertValid(ProbeRunner.runWith(spec(Duration.ofSeconds(1)), prober, CONTEXT));
    }

    @Test
    void stamps_identity_time_source_device_and_tier() {
        ProbeResult r = run((spec, context, result) -> result.latencyMs(1.5));

        assertThat(r.id().version()).isEqualTo(7);
        assertThat(r.startedAt()).isEqualTo(NOW);
        assertThat(r.source()).isEqualTo(Source.AGENT);
        assertThat(r.device()).isEqualTo(DEVICE);
        assertThat(r.tier()).isEqualTo(2);
        assertThat(r.testType()).isEqualTo(TestType.TCP);
        assertThat(r.target()).isEqualTo("tcp://example.test:8080");
        assertThat(r.targetHost()).isEqualTo("example.test");
        assertThat(r.targetPort()).isEqualTo(8080);
        assertThat(r.durationMs()).isNotNegative();
        assertThat(r.success()).isTrue();
        assertThat(r.error()).isNull();
        assertThat(r.latencyMs()).isEqualTo(1.5);
    }

    @Test
    void gives_every_run_its_own_id() {
        Prober<TcpSpec> nothing = (spec, context, result) -> { };
        assertThat(run(nothing).id()).isNotEqualTo(run(nothing).id());
    }

    @Test
    void turns_a_probe_exception_into_its_error_and_keeps_partial_metrics() {
        ProbeResult r = run((spec, context, result) -> {
            result.connectMs(3.25);
            throw new ProbeException(ErrorKind.TLS_ERROR, "certificate expired");
        });

        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("tls_error: certificate expired");
        assertThat(r.connectMs()).isEqualTo(3.25);
    }

    @Test
    void classifies_io_exceptions() {
        assertThat(run((s, c, r) -> {
            throw new ConnectException("Connection refused");
        }).error()).isEqualTo("connection_refused");
        assertThat(run((s, c, r) -> {
            throw new UnknownHostException("example.test");
        }).error()).isEqualTo("dns_failure: cannot resolve example.test");
        assertThat(run((s, c, r) -> {
            throw new SocketException("Connection reset");
        }).error()).isEqualTo("connection_reset");
        assertThat(run((s, c, r) -> {
            throw new IOException("something odd");
        }).error()).isEqualTo("internal_error: IOException: something odd");
    }

    @Test
    void turns_a_runtime_exception_into_an_internal_error_result() {
        ProbeResult r = run((s, c, result) -> {
            throw new IllegalStateException("bug");
        });

        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("internal_error: IllegalStateException: bug");
    }

    @Test
    void gives_up_on_a_prober_that_hangs_past_its_budget_and_interrupts_it() throws InterruptedException {
        CountDownLatch interrupted = new CountDownLatch(1);
        Prober<TcpSpec> hanging = (spec, context, result) -> {
            try {
                Thread.sleep(Duration.ofMinutes(1));
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        };
        TcpSpec spec = spec(Duration.ofMillis(50));
        long t0 = System.nanoTime();
        ProbeResult r = ResultSchema.assertValid(ProbeRunner.runWith(spec, hanging, CONTEXT));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(r.success()).isFalse();
        assertThat(r.error()).startsWith("timeout");
        Duration limit = spec.budget().plus(ProbeRunner.GRACE);
        assertThat(took).isGreaterThanOrEqualTo(limit.minusMillis(5)).isLessThan(limit.plusSeconds(2));
        assertThat(r.durationMs()).isGreaterThanOrEqualTo(limit.toMillis() - 5.0);
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the hung prober was interrupted").isTrue();
    }

    @Test
    void gives_up_at_a_callers_limit_shorter_than_the_budget() {
        Prober<TcpSpec> hanging = (spec, context, result) -> Thread.sleep(Duration.ofMinutes(1));
        long t0 = System.nanoTime();
        ProbeResult r = ResultSchema.assertValid(ProbeRunner.runWith(spec(Duration.ofSeconds(30)), hanging, CONTEXT,
                Duration.ofMillis(300)));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(r.error()).isEqualTo("timeout: no result within 300 ms");
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(295)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void runs_tcp_tls_and_udp_raw_specs_with_their_registered_probers() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ProbeResult tcp = ResultSchema.assertValid(ProbeRunner.run(
                    TargetParser.parse("tcp://127.0.0.1:" + open.getLocalPort(), ProbeOptions.DEFAULTS), CONTEXT));
            assertThat(tcp.success()).as(tcp.error()).isTrue();
            assertThat(tcp.connectMs()).isNotNull();
        }
        ProbeResult tls = ResultSchema.assertValid(ProbeRunner.run(
                TargetParser.parse("tls://127.0.0.1:" + closed, ProbeOptions.DEFAULTS), CONTEXT));
        assertThat(tls.error()).isEqualTo("connection_refused");
        ProbeResult udpRaw = ResultSchema.assertValid(ProbeRunner.run(
                TargetParser.parse("udp-raw://127.0.0.1:" + closed, ProbeOptions.DEFAULTS), CONTEXT));
        assertThat(udpRaw.error()).isEqualTo("connection_refused: port unreachable");
    }
}
