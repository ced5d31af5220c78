package io.waddleperf.iperf3.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waddleperf.iperf3.Iperf3Error;
import io.waddleperf.iperf3.Iperf3Exception;
import io.waddleperf.iperf3.JsonFrames;
import io.waddleperf.iperf3.TestParameters;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TotalRateGuardTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long STEP = SECOND / 4;

    private static TestParameters params(String json) throws Exception {
        return TestParameters.fromJson((ObjectNode) JsonFrames.mapper().readTree(json));
    }

    @Test
    void requested_rate_is_parallel_times_bandwidth_doubled_for_bidir() throws Exception {
        assertThat(TotalRateGuard.requestedBitsPerSecond(
                params("{\"udp\":true,\"parallel\":4,\"bidirectional\":true}"))).isEqualTo(8L * 1024 * 1024);
        assertThat(TotalRateGuard.requestedBitsPerSecond(params("{\"tcp\":true,\"bandwidth\":1000,\"parallel\":3}")))
                .isEqualTo(3000);
        assertThat(TotalRateGuard.requestedBitsPerSecond(params("{\"tcp\":true,\"parallel\":8}"))).isZero();
        assertThat(TotalRateGuard.requestedBitsPerSecond(
                params("{\"tcp\":true,\"bandwidth\":9223372036854775807,\"parallel\":2}"))).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void requests_are_admitted_while_they_fit_with_the_running_tests() throws Exception {
        TotalRateGuard guard = new TotalRateGuard(100_000, Duration.ofSeconds(5));
        Object a = new Object();
        Object b = new Object();
        TestParameters sixty = params("{\"tcp\":true,\"bandwidth\":60000}");
        guard.admit(a, sixty);
        assertRefused(() -> guard.admit(b, sixty));
        guard.release(a);
        assertThatCode(() -> guard.admit(b, sixty)).doesNotThrowAnyException();
    }

    @Test
    void no_limit_admits_and_passes_everything() throws Exception {
        TotalRateGuard guard = new TotalRateGuard(0, Duration.ofSeconds(5));
        Object a = new Object();
        guard.admit(a, params("{\"tcp\":true,\"bandwidth\":9000000000}"));
        guard.started(a, 0);
        guard.check(a, 10 * SECOND, 1L << 40);
    }

    @Test
    void moving_window_average_over_the_limit_fails_the_test_only_once_the_window_is_full() throws Exception {
        TotalRateGuard guard = new TotalRateGuard(8_000, Duration.ofSeconds(1));
        Object a = new Object();
        guard.started(a, 0);
        // 500 B/s = 4000 bit/s for 3 s: fine.
        long bytes = 0;
        long t = 0;
        for (; t < 3 * SECOND; t += STEP) {
            bytes += 125;
            guard.check(a, t + STEP, bytes);
        }
        // Then a burst of 3000 B in one step: over 8000 bit/s averaged over the last second.
        long burstAt = t + STEP;
        assertRefused(() -> guard.check(a, burstAt, 3 * 125 + 3000 + 125 * 12));
        TotalRateGuard fresh = new TotalRateGuard(8_000, Duration.ofSeconds(1));
        fresh.started(a, 0);
        assertThatCode(() -> fresh.check(a, SECOND / 2, 100_000)).as("half a window").doesNotThrowAnyException();
        assertRefused(() -> fresh.check(a, SECOND, 100_000));
    }

    @Test
    void whole_test_average_forgives_an_early_burst() throws Exception {
        TotalRateGuard guard = new TotalRateGuard(8_000, Duration.ZERO);
        Object a = new Object();
        guard.started(a, 0);
        // 2000 B in the first quarter second, judged only from 1 s on: 16000 bit/s over 1 s would fail.
        guard.check(a, STEP, 2000);
        assertRefused(() -> guard.check(a, SECOND, 2000));
        TotalRateGuard later = new TotalRateGuard(8_000, Duration.ZERO);
        later.started(a, 0);
        later.check(a, STEP, 2000);
        // Nothing more for 3 s: 16000 bits over 3 s is under the limit.
        assertThatCode(() -> later.check(a, 3 * SECOND, 2000)).doesNotThrowAnyException();
    }

    @Test
    void over_the_server_wide_limit_only_the_biggest_test_is_failed() throws Exception {
        TotalRateGuard guard = new TotalRateGuard(8_000, Duration.ofSeconds(1));
        Object small = new Object();
        Object big = new Object();
        guard.started(small, 0);
        guard.started(big, 0);
        // small moves 400 B/s (3200 bit/s), big 600 B/s (4800 bit/s): each under, together 8000 (not over).
        guard.check(small, SECOND, 400);
        guard.check(big, SECOND, 600);
        // Second two: small 500 B (4000 bit/s) makes the sum 8800 > 8000, but big is the larger one.
        guard.check(small, 2 * SECOND, 900);
        assertRefused(() -> guard.check(big, 2 * SECOND, 1200));
        guard.release(big);
        assertThatCode(() -> guard.check(small, 3 * SECOND, 1400)).doesNotThrowAnyException();
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void assertRefused(Call call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(Iperf3Exception.class,
                e -> assertThat(e.error()).isEqualTo(Iperf3Error.IETOTALRATE));
    }
}
