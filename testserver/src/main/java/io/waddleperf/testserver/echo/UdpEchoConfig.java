package io.waddleperf.testserver.echo;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Set;

/**
 * Configuration of a {@link UdpEchoResponder}: where it listens, which tokens it accepts (none: an open
 * server), and an optional per-source rate limit (docs/PROTOCOL-udp-echo.md §6, §8).
 *
 * @param bind                   address and port to bind; port 0 picks a free port
 * @param tokens                 shared secrets of which a request must prove one; empty for an open server
 * @param ratePerSourcePerSecond requests per second answered for one source address; 0 for no limit
 * @param burstPerSource         requests a source may send at once above its rate (bucket size)
 * @param maxTrackedSources      sources the rate limiter remembers at most; beyond that new sources are refused
 */
public record UdpEchoConfig(InetSocketAddress bind, Set<String> tokens, int ratePerSourcePerSecond,
                            int burstPerSource, int maxTrackedSources) {

    public static final int DEFAULT_PORT = 2000;
    public static final int DEFAULT_MAX_TRACKED_SOURCES = 65_536;

    public UdpEchoConfig {
        Objects.requireNonNull(bind, "bind");
        tokens = Set.copyOf(tokens == null ? Set.of() : tokens);
        if (ratePerSourcePerSecond < 0) {
            throw new IllegalArgumentException("rate_per_source_per_second must be >= 0, got " + ratePerSourcePerSecond);
        }
        if (ratePerSourcePerSecond > 0 && burstPerSource < 1) {
            throw new IllegalArgumentException("burst_per_source must be >= 1 with a rate limit, got " + burstPerSource);
        }
        if (maxTrackedSources < 1) {
            throw new IllegalArgumentException("max_tracked_sources must be >= 1, got " + maxTrackedSources);
        }
    }

    /** No rate limit. */
    public static UdpEchoConfig of(InetSocketAddress bind, Set<String> tokens) {
        return new UdpEchoConfig(bind, tokens, 0, 0, DEFAULT_MAX_TRACKED_SOURCES);
    }

    /** This configuration with each source limited to {@code perSecond} requests per second and a burst. */
    public UdpEchoConfig withRateLimit(int perSecond, int burst) {
        return new UdpEchoConfig(bind, tokens, perSecond, burst, maxTrackedSources);
    }

    /** This configuration tracking at most {@code sources} sources in its rate limiter. */
    public UdpEchoConfig withMaxTrackedSources(int sources) {
        return new UdpEchoConfig(bind, tokens, ratePerSourcePerSecond, burstPerSource, sources);
    }

    public boolean rateLimited() {
        return ratePerSourcePerSecond > 0;
    }
}
