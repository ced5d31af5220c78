package io.waddleperf.iperf3;

import java.nio.ByteBuffer;

/**
 * The header iperf3 puts at the start of every UDP datagram ({@code iperf_udp_send}/{@code iperf_udp_recv},
 * {@code src/iperf_udp.c}): send time as {@code sec} and {@code usec} (uint32, big-endian, CLOCK_MONOTONIC), then the
 * packet counter as uint32, or uint64 when {@code udp_counters_64bit} was negotiated. The first packet is number 1.
 */
public final class UdpHeader {

    /** Bytes before the payload with 32-bit counters. */
    public static final int SIZE_32 = 12;
    /** Bytes before the payload with 64-bit counters. */
    public static final int SIZE_64 = 16;

    private UdpHeader() {
    }

    /** Header size for the negotiated counter width. */
    public static int size(boolean counters64bit) {
        return counters64bit ? SIZE_64 : SIZE_32;
    }

    /**
     * Writes the header at absolute offset 0 of {@code datagram} without moving its position.
     *
     * @param monotonicNanos send time from a monotonic clock; split into seconds and microseconds as iperf3 does
     */
    public static void write(ByteBuffer datagram, long monotonicNanos, long packetCount, boolean counters64bit) {
        datagram.putInt(0, (int) (monotonicNanos / 1_000_000_000L));
        datagram.putInt(4, (int) ((monotonicNanos % 1_000_000_000L) / 1_000L));
        if (counters64bit) {
            datagram.putLong(8, packetCount);
        } else {
            datagram.putInt(8, (int) packetCount);
        }
    }

    /** The send time of a received datagram in nanoseconds (seconds and microseconds as unsigned 32-bit numbers). */
    public static long sentNanos(ByteBuffer datagram) {
        long sec = Integer.toUnsignedLong(datagram.getInt(0));
        long usec = Integer.toUnsignedLong(datagram.getInt(4));
        return sec * 1_000_000_000L + usec * 1_000L;
    }

    /** The packet counter of a received datagram (unsigned when 32-bit). */
    public static long packetCount(ByteBuffer datagram, boolean counters64bit) {
        return counters64bit ? datagram.getLong(8) : Integer.toUnsignedLong(datagram.getInt(8));
    }
}
