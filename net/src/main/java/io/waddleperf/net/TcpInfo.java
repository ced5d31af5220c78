package io.waddleperf.net;

/**
 * The fields of one TCP connection's {@code struct tcp_info} ({@code linux/tcp.h}) that {@link SockDiag} reads, as the
 * kernel gives them (unsigned 32-bit values widened to {@code long}), plus the congestion control's name. What a
 * caller derives from them — a window in bytes, say — is the caller's business.
 *
 * @param totalRetrans segments retransmitted over the connection's life ({@code tcpi_total_retrans})
 * @param sndCwndSegments congestion window in segments ({@code tcpi_snd_cwnd})
 * @param sndWndBytes the peer's advertised receive window after scaling ({@code tcpi_snd_wnd}), or -1 when the
 *     kernel's {@code tcp_info} is too old to carry that field
 * @param rttMicros smoothed round-trip time in µs ({@code tcpi_rtt})
 * @param rttVarMicros round-trip time variation in µs ({@code tcpi_rttvar})
 * @param pmtuBytes path MTU ({@code tcpi_pmtu})
 * @param sndMssBytes current send MSS ({@code tcpi_snd_mss})
 * @param congestion the congestion control algorithm's name ({@code INET_DIAG_CONG}), or null when not sent
 */
public record TcpInfo(long totalRetrans, long sndCwndSegments, long sndWndBytes, long rttMicros, long rttVarMicros,
        long pmtuBytes, long sndMssBytes, String congestion) {
}
