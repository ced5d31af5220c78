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
 * @param state the connection's state ({@code idiag_state}: {@link #TCP_ESTABLISHED}, {@link #TCP_CLOSE_WAIT}, …,
 *     the {@code TCP_*} values of {@code include/net/tcp_states.h})
 */
public record TcpInfo(long totalRetrans, long sndCwndSegments, long sndWndBytes, long rttMicros, long rttVarMicros,
        long pmtuBytes, long sndMssBytes, String congestion, int state) {

    public static final int TCP_ESTABLISHED = 1;
    /** The peer sent its FIN and this end has not closed yet: the peer will send nothing more. */
    public static final int TCP_CLOSE_WAIT = 8;

    /**
     * True when the peer has ended its side of the connection (FIN received, or the connection is closing or gone):
     * any state but the three of a live connection (SYN_SENT 2, SYN_RECV 3 and ESTABLISHED) and this end's own
     * half-close (FIN_WAIT1 4, FIN_WAIT2 5), where the peer may still send.
     */
    public boolean peerClosed() {
        return state != TCP_ESTABLISHED && state != 2 && state != 3 && state != 4 && state != 5;
    }
}
