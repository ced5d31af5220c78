package io.waddleperf.probes.iperf3;

import io.waddleperf.iperf3.TcpStats;
import io.waddleperf.iperf3.TcpStatsSource;
import io.waddleperf.net.NativeException;
import io.waddleperf.net.NativePlatform;
import io.waddleperf.net.SockDiag;
import io.waddleperf.net.TcpInfo;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The iperf3 module's {@link TcpStatsSource} on Linux: each read is one {@link SockDiag} lookup of a Java socket's
 * two ends ({@link SockDiag#tcpInfoOfJavaSocket}). Where the native layer does not run (another OS or architecture,
 * see {@link NativePlatform}) every read is empty, and iperf3 reports retransmits -1 as stock iperf3 does without
 * {@code TCP_INFO}.
 */
public final class NetlinkTcpStats implements TcpStatsSource {

    public static final NetlinkTcpStats INSTANCE = new NetlinkTcpStats();

    private static final Logger LOG = LoggerFactory.getLogger(NetlinkTcpStats.class);

    private NetlinkTcpStats() {
    }

    @Override
    public Optional<TcpStats> read(InetSocketAddress local, InetSocketAddress remote) {
        if (!NativePlatform.supported() || local.getAddress() == null || remote.getAddress() == null) {
            return Optional.empty();
        }
        try {
            return SockDiag.tcpInfoOfJavaSocket(local, remote).map(NetlinkTcpStats::stats);
        } catch (NativeException e) {
            LOG.debug("tcp_info of {} -> {} not readable: {}", local, remote, e.getMessage());
            return Optional.empty();
        }
    }

    /** iperf3's figures from the kernel's: the congestion window in bytes is segments × send MSS, as iperf3 computes it. */
    static TcpStats stats(TcpInfo info) {
        return new TcpStats(info.totalRetrans(), info.sndCwndSegments() * info.sndMssBytes(), info.sndWndBytes(),
                info.rttMicros(), info.rttVarMicros(), info.pmtuBytes(), info.sndMssBytes(), info.congestion());
    }
}
