package io.waddleperf.probes.iperf3;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.iperf3.TcpStats;
import io.waddleperf.net.TcpInfo;
import org.junit.jupiter.api.Test;

class NetlinkTcpStatsTest {

    @Test
    void the_congestion_window_becomes_bytes_and_the_rest_passes_through() {
        TcpInfo info = new TcpInfo(0xFFFFFFF0L, 10, 65_536, 2345, 678, 1500, 1448, "cubic", 1);
        assertThat(NetlinkTcpStats.stats(info))
                .isEqualTo(new TcpStats(0xFFFFFFF0L, 14_480, 65_536, 2345, 678, 1500, 1448, "cubic"));
    }

    @Test
    void a_missing_send_window_and_congestion_name_stay_missing() {
        TcpInfo info = new TcpInfo(0, 7, -1, 100, 50, 65_536, 65_483, null, 1);
        assertThat(NetlinkTcpStats.stats(info)).isEqualTo(new TcpStats(0, 7L * 65_483, -1, 100, 50, 65_536, 65_483, null));
    }
}
