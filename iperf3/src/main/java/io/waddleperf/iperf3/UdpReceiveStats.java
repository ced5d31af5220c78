package io.waddleperf.iperf3;

/**
 * iperf3's accounting of one received UDP stream ({@code iperf_udp_recv}, {@code src/iperf_udp.c}): bytes, highest
 * sequence number, lost and out-of-order packets, and RFC 1889 jitter in seconds. Not thread-safe: the receiving
 * thread owns it and publishes snapshots through {@link #snapshot()}.
 */
public final class UdpReceiveStats {

    private long bytes;
    private long packetCount;
    private long lost;
    private long outOfOrder;
    private double jitterSeconds;
    private double previousTransitSeconds;
    private boolean seenFirst;

    /** An immutable view for the reporter and the results. */
    public record Snapshot(long bytes, long packetCount, long lost, long outOfOrder, double jitterSeconds) {
    }

    /**
     * Folds in one datagram.
     *
     * @param datagramBytes size of the whole datagram
     * @param packetCount the counter from its header
     * @param sentNanos the send time from its header
     * @param arrivalNanos our monotonic clock at arrival
     */
    public void record(int datagramBytes, long packetCount, long sentNanos, long arrivalNanos) {
        bytes += datagramBytes;
        if (packetCount >= this.packetCount + 1) {
            // A gap in sequence numbers counts as loss until the missing packets turn up late.
            if (packetCount > this.packetCount + 1) {
                lost += packetCount - 1 - this.packetCount;
            }
            this.packetCount = packetCount;
        } else {
            outOfOrder++;
            if (lost > 0) {
                lost--;
            }
        }
        // RFC 1889 §6.3.1 / A.8 as iperf3 computes it: transit = |arrival - sent| (clocks need not agree, only
        // differences matter), D = |transit - previous transit|, J += (D - J) / 16; the first packet only sets previous.
        double transit = Math.abs(arrivalNanos - sentNanos) / 1e9;
        if (!seenFirst) {
            previousTransitSeconds = transit;
            seenFirst = true;
        }
        double d = Math.abs(transit - previousTransitSeconds);
        previousTransitSeconds = transit;
        jitterSeconds += (d - jitterSeconds) / 16.0;
    }

    public Snapshot snapshot() {
        return new Snapshot(bytes, packetCount, lost, outOfOrder, jitterSeconds);
    }
}
