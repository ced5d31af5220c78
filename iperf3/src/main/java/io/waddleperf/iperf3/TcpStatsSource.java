package io.waddleperf.iperf3;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Reads the kernel's TCP figures of a connected socket, found by its two ends. The JDK cannot read
 * {@code TCP_INFO} and a {@code SocketChannel} hides its file descriptor, so this module (plain Java NIO) leaves the
 * reading to whoever builds the client or server: {@code io.waddleperf.net} answers it through the kernel's
 * socket-diagnostics netlink interface. Implementations are called from several threads at once.
 */
@FunctionalInterface
public interface TcpStatsSource {

    /**
     * Reads nothing: every sender then reports retransmits as -1 and no cwnd or RTT, as iperf3 does on a platform
     * without {@code TCP_INFO}. The default wherever no reader was given.
     */
    TcpStatsSource UNAVAILABLE = (local, remote) -> Optional.empty();

    /**
     * The figures of the established TCP connection from {@code local} to {@code remote} (as
     * {@code getLocalAddress}/{@code getRemoteAddress} of its channel give them), looked up in the calling thread's
     * network namespace; empty when they cannot be read (another OS, the connection is gone, the lookup failed).
     */
    Optional<TcpStats> read(InetSocketAddress local, InetSocketAddress remote);
}
