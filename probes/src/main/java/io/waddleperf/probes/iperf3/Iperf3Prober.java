package io.waddleperf.probes.iperf3;

import io.waddleperf.core.result.Interval;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.Iperf3Spec;
import io.waddleperf.iperf3.Protocol;
import io.waddleperf.iperf3.TestParameters;
import io.waddleperf.iperf3.client.Iperf3Client;
import io.waddleperf.iperf3.client.Iperf3ClientConfig;
import io.waddleperf.iperf3.client.Iperf3ClientResult;
import io.waddleperf.iperf3.client.Iperf3Interval;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.Prober;
import io.waddleperf.probes.Progress;
import io.waddleperf.probes.ProgressListener;
import io.waddleperf.probes.iperf3.NetlinkTcpStats;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code iperf3} prober: one test with our iperf3 client. {@code throughput_mbps} is the receiver's
 * goodput (10^6 bit/s; both directions summed for {@code bidir}, each also in {@code upload_mbps}/{@code download_mbps});
 * {@code sent_bytes}/{@code received_bytes} are the senders' and receivers' byte counts; {@code retransmits} is the
 * senders' TCP retransmits after the omit period (ours read through {@link NetlinkTcpStats}), -1 when a sending side
 * cannot read them (not Linux, or a server that reports none); UDP adds {@code jitter_ms}, {@code packet_loss_percent} and
 * packet counts; {@code intervals[]} are the client's per-second figures; CPU use of both ends is in
 * {@code raw_results}.
 */
public final class Iperf3Prober implements Prober<Iperf3Spec> {

    public static final Iperf3Prober INSTANCE = new Iperf3Prober();

    private Iperf3Prober() {
    }

    /** The iperf3 parameters a spec stands for. */
    public static TestParameters parameters(Iperf3Spec spec) {
        return TestParameters.tcpDefaults().toBuilder()
                .protocol(spec.udp() ? Protocol.UDP : Protocol.TCP)
                .timeSeconds((int) spec.time().toSeconds())
                .omitSeconds((int) spec.omit().toSeconds())
                .parallel(spec.parallel())
                .reverse(spec.reverse())
                .bidirectional(spec.bidir())
                .bandwidthBitsPerSecond(spec.bitrateBitsPerSecond())
                .lenBytes(spec.lengthBytes() > 0 ? spec.lengthBytes()
                        : spec.udp() ? TestParameters.DEFAULT_UDP_BLOCK_BYTES : TestParameters.DEFAULT_TCP_BLOCK_BYTES)
                .windowBytes(spec.windowBytes())
                .build();
    }

    @Override
    public void probe(Iperf3Spec spec, ProbeContext context, ProbeResult.Builder result) throws Exception {
        InetAddress address = InetAddress.getByName(spec.endpoint().host());
        result.targetIp(address.getHostAddress());
        Iperf3ClientConfig config = Iperf3ClientConfig.of(address.getHostAddress(), spec.endpoint().port(),
                parameters(spec)).withTcpStats(NetlinkTcpStats.INSTANCE);
        Iperf3ClientResult r = Iperf3Client.run(config, interval -> progress(interval, context.progress()));
        fill(r, result);
    }

    /**
     * One interval as progress, one step per direction (this side's sending streams are {@code send}, its receiving
     * ones {@code receive}); the note says when the interval lies in the omit period.
     */
    static void progress(Iperf3Interval interval, ProgressListener listener) {
        for (boolean sender : new boolean[] {true, false}) {
            if (interval.streams().stream().anyMatch(s -> s.sender() == sender)) {
                long retransmits = interval.retransmits(sender);
                String note = interval.omitted() ? "omitted" : sender && retransmits >= 0 ? retransmits + (retransmits == 1 ? " retransmit" : " retransmits") : null;
                ProgressListener.tell(listener, Progress.of(sender ? "send" : "receive", interval.startSeconds(),
                        interval.endSeconds(), interval.bytes(sender), note));
            }
        }
    }

    /** Puts a client run's figures into a result (public so the CLI's iperf3 command reports the same way). */
    public static void fill(Iperf3ClientResult r, ProbeResult.Builder result) {
        Optional<Iperf3ClientResult.Direction> up = r.upstream();
        Optional<Iperf3ClientResult.Direction> down = r.downstream();
        List<Iperf3ClientResult.Direction> both = new ArrayList<>();
        up.ifPresent(both::add);
        down.ifPresent(both::add);
        result.throughputMbps(both.stream().mapToDouble(d -> d.receiverBitsPerSecond() / 1e6).sum());
        up.ifPresent(d -> result.uploadMbps(d.receiverBitsPerSecond() / 1e6));
        down.ifPresent(d -> result.downloadMbps(d.receiverBitsPerSecond() / 1e6));
        result.sentBytes(both.stream().mapToLong(Iperf3ClientResult.Direction::senderBytes).sum());
        result.receivedBytes(both.stream().mapToLong(Iperf3ClientResult.Direction::receiverBytes).sum());
        boolean udp = r.params().protocol() == Protocol.UDP;
        if (udp) {
            long packets = both.stream().mapToLong(Iperf3ClientResult.Direction::packets).sum();
            long lost = both.stream().mapToLong(Iperf3ClientResult.Direction::lostPackets).sum();
            result.jitterMs(both.stream().mapToDouble(Iperf3ClientResult.Direction::jitterSeconds).average()
                    .orElse(0) * 1000);
            result.packetsSent(packets);
            result.packetsReceived(Math.max(0, packets - lost));
            result.packetLossPercent(packets > 0 ? 100.0 * lost / packets : 0);
        } else {
            boolean unknown = both.stream().anyMatch(d -> d.retransmits() < 0);
            result.retransmits(unknown ? -1L : both.stream().mapToLong(Iperf3ClientResult.Direction::retransmits).sum());
        }
        List<Interval> intervals = new ArrayList<>();
        for (Iperf3Interval i : r.intervals()) {
            long bytes = i.streams().stream().mapToLong(Iperf3Interval.Stream::bytes).sum();
            double seconds = i.seconds();
            intervals.add(new Interval(i.startSeconds(), i.endSeconds(), bytes,
                    seconds > 0 ? bytes * 8 / seconds / 1e6 : 0, null));
        }
        result.intervals(intervals);
        result.raw("protocol", r.params().protocol().key());
        result.raw("streams", r.params().parallel());
        result.raw("direction", r.params().bidirectional() ? "bidir" : r.params().reverse() ? "reverse" : "normal");
        result.raw("cookie", r.cookie());
        result.raw("cpu_local_percent", cpu(r.localCpu().totalPercent(), r.localCpu().userPercent(),
                r.localCpu().systemPercent()));
        result.raw("cpu_remote_percent", cpu(r.remote().cpuUtilTotal(), r.remote().cpuUtilUser(),
                r.remote().cpuUtilSystem()));
        up.ifPresent(d -> result.raw("upstream", direction(d, udp)));
        down.ifPresent(d -> result.raw("downstream", direction(d, udp)));
        r.intervals().stream().filter(Iperf3Interval::omitted).findAny()
                .ifPresent(i -> result.raw("omitted_intervals", number(r.intervals().stream()
                        .filter(Iperf3Interval::omitted).count())));
    }

    /** A count as the JSON reader gives it back (an Integer when it fits), so results survive a round trip. */
    private static Number number(long n) {
        if (n == (int) n) {
            return Integer.valueOf((int) n); // not a ?: expression, which would promote both arms to Long
        }
        return Long.valueOf(n);
    }

    private static Map<String, Object> cpu(double total, double user, double system) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total", total);
        m.put("user", user);
        m.put("system", system);
        return m;
    }

    private static Map<String, Object> direction(Iperf3ClientResult.Direction d, boolean udp) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sender_bytes", number(d.senderBytes()));
        m.put("sender_seconds", d.senderSeconds());
        m.put("sender_mbps", d.senderBitsPerSecond() / 1e6);
        m.put("receiver_bytes", number(d.receiverBytes()));
        m.put("receiver_seconds", d.receiverSeconds());
        m.put("receiver_mbps", d.receiverBitsPerSecond() / 1e6);
        if (udp) {
            m.put("packets", number(d.packets()));
            m.put("lost_packets", number(d.lostPackets()));
            m.put("jitter_ms", d.jitterSeconds() * 1000);
        } else {
            m.put("retransmits", number(d.retransmits()));
        }
        return m;
    }
}
