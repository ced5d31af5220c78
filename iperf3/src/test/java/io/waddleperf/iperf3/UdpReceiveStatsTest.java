package io.waddleperf.iperf3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class UdpReceiveStatsTest {

    private static final long MS = 1_000_000L;

    @Test
    void in_order_stream_has_no_loss_and_counts_bytes() {
        UdpReceiveStats s = new UdpReceiveStats();
        for (int i = 1; i <= 100; i++) {
            s.record(1000, i, i * MS, i * MS + 5 * MS);
        }
        UdpReceiveStats.Snapshot r = s.snapshot();
        assertThat(r.bytes()).isEqualTo(100_000);
        assertThat(r.packetCount()).isEqualTo(100);
        assertThat(r.lost()).isZero();
        assertThat(r.outOfOrder()).isZero();
        assertThat(r.jitterSeconds()).isZero();
    }

    @Test
    void gap_counts_as_loss_and_a_late_packet_takes_one_back() {
        UdpReceiveStats s = new UdpReceiveStats();
        s.record(100, 1, 0, 0);
        s.record(100, 4, 0, 0);
        assertThat(s.snapshot().lost()).isEqualTo(2);
        s.record(100, 2, 0, 0);
        assertThat(s.snapshot().lost()).isEqualTo(1);
        assertThat(s.snapshot().outOfOrder()).isEqualTo(1);
        assertThat(s.snapshot().packetCount()).isEqualTo(4);
        // iperf3 does not special-case duplicates: a repeat is "out of order" and, with loss pending, cancels one.
        s.record(100, 4, 0, 0);
        assertThat(s.snapshot().lost()).isZero();
        assertThat(s.snapshot().outOfOrder()).isEqualTo(2);
    }

    @Test
    void jitter_follows_rfc_1889_with_gain_one_sixteenth() {
        UdpReceiveStats s = new UdpReceiveStats();
        // Transit alternates 1 ms / 3 ms: every D is 2 ms, so J converges to 2 ms as 2 (1 - (15/16)^n).
        int n = 200;
        for (int i = 0; i < n; i++) {
            long sent = i * 10 * MS;
            s.record(100, i + 1, sent, sent + (i % 2 == 0 ? 1 : 3) * MS);
        }
        double expected = 0.002 * (1 - Math.pow(15.0 / 16.0, n - 1));
        assertThat(s.snapshot().jitterSeconds()).isCloseTo(expected, within(1e-12));
    }

    @Test
    void transit_is_absolute_so_clock_offsets_of_either_sign_give_the_same_jitter() {
        UdpReceiveStats ahead = new UdpReceiveStats();
        UdpReceiveStats behind = new UdpReceiveStats();
        for (int i = 0; i < 20; i++) {
            long d = (i % 3) * MS;
            ahead.record(10, i + 1, 0, 50 * MS + d);
            behind.record(10, i + 1, 100 * MS, 50 * MS - d);
        }
        assertThat(ahead.snapshot().jitterSeconds()).isCloseTo(behind.snapshot().jitterSeconds(), within(1e-12));
    }
}
