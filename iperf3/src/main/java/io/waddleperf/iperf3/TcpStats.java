package io.waddleperf.iperf3;

/**
 * The kernel's figures for one TCP connection at one instant: the part of Linux's {@code struct tcp_info}
 * ({@code linux/tcp.h}) that stock iperf3 reports for a sending stream ({@code src/tcp_info.c}), its MSS and the name
 * of its congestion control.
 *
 * @param totalRetransmits segments retransmitted over the connection's life ({@code tcpi_total_retrans})
 * @param sndCwndBytes congestion window in bytes: {@code tcpi_snd_cwnd} (segments) × {@code tcpi_snd_mss}, as iperf3
 *     computes it
 * @param sndWndBytes the peer's advertised receive window after scaling ({@code tcpi_snd_wnd}), or -1 when the
 *     kernel's {@code tcp_info} is too old to carry that field
 * @param rttMicros smoothed round-trip time in µs ({@code tcpi_rtt})
 * @param rttVarMicros round-trip time variation in µs ({@code tcpi_rttvar})
 * @param pmtuBytes path MTU ({@code tcpi_pmtu})
 * @param sndMssBytes the connection's current send MSS ({@code tcpi_snd_mss}, the kernel's {@code mss_cache}: what
 *     {@code getsockopt(TCP_MAXSEG)} returns for a connected socket)
 * @param congestion the congestion control algorithm's name, e.g. {@code cubic} (what
 *     {@code getsockopt(TCP_CONGESTION)} returns), or null when the reader could not tell
 */
public record TcpStats(long totalRetransmits, long sndCwndBytes, long sndWndBytes, long rttMicros, long rttVarMicros,
        long pmtuBytes, long sndMssBytes, String congestion) {
}
