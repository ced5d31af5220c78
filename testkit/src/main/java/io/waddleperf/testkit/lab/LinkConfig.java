package io.waddleperf.testkit.lab;

import java.time.Duration;

/**
 * What one lab link does to traffic, the same in both directions: its MTU, an optional {@code tc tbf} rate limit and
 * an optional random drop ({@code nft … numgen random mod 1000 < lossPerMille drop}) on each end's egress, so each
 * direction loses packets independently with that probability.
 *
 * @param mtuBytes           interface MTU on both ends (68–65535; IPv6 needs at least 1280)
 * @param rateBitsPerSecond  tbf rate in bits per second, 0 for no limit
 * @param burstBytes         tbf bucket size; 0 picks {@link #effectiveBurstBytes()}
 * @param tbfLatency         how long a packet may wait in the tbf queue before it is dropped
 * @param lossPerMille       random drop probability per packet and direction, in thousandths (0–1000)
 */
public record LinkConfig(int mtuBytes, long rateBitsPerSecond, int burstBytes, Duration tbfLatency, int lossPerMille) {

    /** A plain 1500-byte Ethernet-like link: no rate limit, no loss. */
    public static final LinkConfig DEFAULT = new LinkConfig(1500, 0, 0, Duration.ofMillis(50), 0);

    public LinkConfig {
        if (mtuBytes < 68 || mtuBytes > 65535) {
            throw new IllegalArgumentException("mtuBytes must be 68..65535, was " + mtuBytes);
        }
        if (rateBitsPerSecond < 0) {
            throw new IllegalArgumentException("rateBitsPerSecond must be >= 0, was " + rateBitsPerSecond);
        }
        if (rateBitsPerSecond > 0 && rateBitsPerSecond < 8_000) {
            throw new IllegalArgumentException("rateBitsPerSecond below 8000 is not a useful tbf rate: " + rateBitsPerSecond);
        }
        if (burstBytes < 0) {
            throw new IllegalArgumentException("burstBytes must be >= 0, was " + burstBytes);
        }
        if (tbfLatency == null || tbfLatency.isNegative() || tbfLatency.isZero()) {
            throw new IllegalArgumentException("tbfLatency must be positive, was " + tbfLatency);
        }
        if (lossPerMille < 0 || lossPerMille > 1000) {
            throw new IllegalArgumentException("lossPerMille must be 0..1000, was " + lossPerMille);
        }
    }

    public LinkConfig withMtu(int mtu) {
        return new LinkConfig(mtu, rateBitsPerSecond, burstBytes, tbfLatency, lossPerMille);
    }

    /** A tbf rate limit with the default bucket ({@link #effectiveBurstBytes()}) and queue latency. */
    public LinkConfig withRate(long bitsPerSecond) {
        return new LinkConfig(mtuBytes, bitsPerSecond, burstBytes, tbfLatency, lossPerMille);
    }

    public LinkConfig withRate(long bitsPerSecond, int burst, Duration latency) {
        return new LinkConfig(mtuBytes, bitsPerSecond, burst, latency, lossPerMille);
    }

    public LinkConfig withLossPercent(int percent) {
        return withLossPerMille(Math.multiplyExact(percent, 10));
    }

    public LinkConfig withLossPerMille(int perMille) {
        return new LinkConfig(mtuBytes, rateBitsPerSecond, burstBytes, tbfLatency, perMille);
    }

    /** The drop probability per packet and direction, 0.0–1.0. */
    public double lossFraction() {
        return lossPerMille / 1000.0;
    }

    /**
     * The tbf bucket actually used: the configured one, or 10 ms worth of the rate but at least four full frames
     * (tbf drops any packet larger than its bucket, tc-tbf(8)).
     */
    public int effectiveBurstBytes() {
        if (burstBytes > 0) {
            return burstBytes;
        }
        long tenMs = rateBitsPerSecond / 8 / 100;
        return (int) Math.max(tenMs, 4L * (mtuBytes + 14));
    }
}
