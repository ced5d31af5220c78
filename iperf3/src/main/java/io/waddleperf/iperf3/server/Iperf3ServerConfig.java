package io.waddleperf.iperf3.server;

import io.waddleperf.iperf3.TcpStatsSource;
import io.waddleperf.iperf3.TcpTuning;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link Iperf3Server}; {@link #defaults()} is the one home of the default values.
 *
 * @param bindAddress address to listen on (TCP control and data, UDP data)
 * @param port TCP and UDP port; 0 picks a free port (read it back with {@link Iperf3Server#port()})
 * @param maxConcurrentTests tests served at once; further clients get ACCESS_DENIED as from a busy iperf3
 * @param maxDuration longest test accepted (requested time + omit), or {@link Duration#ZERO} for iperf3's own limit
 * @param idleTimeout how long a test may make no progress (no control message while one is due, no data moving)
 *     before the server drops it
 * @param dataThreads kind of thread that moves a stream's data
 * @param auth username/password authentication as iperf3's, or {@code null} for none
 * @param totalRateLimitBitsPerSecond iperf3's {@code --server-bitrate-limit}: the most bits per second all tests
 *     together may ask for and move (0 = no limit)
 * @param totalRateWindow iperf3's {@code /#} suffix of that flag: the moving window the moved rate is averaged over,
 *     or {@link Duration#ZERO} for the average since each test started
 * @param tcpStats where streams the server sends on ({@code -R}, {@code --bidir}) read retransmits, cwnd and RTT
 *     ({@link TcpStatsSource#UNAVAILABLE}: retransmits -1 and {@code sender_has_retransmits} 0)
 * @param clientQuota the bytes each client address may move ({@link ClientByteQuota#UNLIMITED}: no limit)
 * @param setupTimeout how long a new connection may take to send its cookie and, when it starts a test, its
 *     parameters; a test takes its slot only once its parameters are in, so a silent connection holds none
 * @param tcpTuning where a client's {@code congestion} ({@code -C}) is set on the test's TCP streams
 *     ({@link TcpTuning#UNAVAILABLE}: the system's algorithm is kept, and {@code congestion_used} says which)
 */
public record Iperf3ServerConfig(
        InetAddress bindAddress,
        int port,
        int maxConcurrentTests,
        Duration maxDuration,
        Duration idleTimeout,
        DataThreads dataThreads,
        Iperf3AuthConfig auth,
        long totalRateLimitBitsPerSecond,
        Duration totalRateWindow,
        TcpStatsSource tcpStats,
        ClientByteQuota clientQuota,
        Duration setupTimeout,
        TcpTuning tcpTuning) {

    /** iperf3's default port. */
    public static final int DEFAULT_PORT = 5201;
    /**
     * A client sends its cookie right after connecting and its parameters one round trip after PARAM_EXCHANGE, so a
     * few seconds cover a satellite link and a slow client start; stock iperf3 waits for the parameters as long as
     * for anything else.
     */
    public static final Duration DEFAULT_SETUP_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Which threads run data streams. Platform threads are the default: on a 2-core loopback run against a stock
     * 3.12 client (4 s, 1 and 2 streams, both directions) they moved 12–19 Gbit/s for one stream where virtual
     * threads moved 5–9, since a blocking read or write that would wait parks the virtual thread and costs a poller
     * round trip per block; with two streams the two were within the machine's noise.
     */
    public enum DataThreads { PLATFORM, VIRTUAL }

    public Iperf3ServerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(maxDuration, "maxDuration");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(dataThreads, "dataThreads");
        Objects.requireNonNull(totalRateWindow, "totalRateWindow");
        Objects.requireNonNull(tcpStats, "tcpStats");
        Objects.requireNonNull(clientQuota, "clientQuota");
        Objects.requireNonNull(setupTimeout, "setupTimeout");
        if (setupTimeout.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("setupTimeout must be at least 100 ms, got " + setupTimeout);
        }
        Objects.requireNonNull(tcpTuning, "tcpTuning");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (maxConcurrentTests < 1) {
            throw new IllegalArgumentException("maxConcurrentTests must be at least 1, got " + maxConcurrentTests);
        }
        if (maxDuration.isNegative()) {
            throw new IllegalArgumentException("maxDuration must not be negative, got " + maxDuration);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
        }
        if (totalRateLimitBitsPerSecond < 0) {
            throw new IllegalArgumentException(
                    "totalRateLimitBitsPerSecond must not be negative, got " + totalRateLimitBitsPerSecond);
        }
        // iperf3 bounds the averaging interval like its report interval (MIN_INTERVAL..MAX_INTERVAL, 0.1..60 s).
        if (!totalRateWindow.isZero() && (totalRateWindow.compareTo(Duration.ofMillis(100)) < 0
                || totalRateWindow.compareTo(Duration.ofSeconds(60)) > 0)) {
            throw new IllegalArgumentException("totalRateWindow must be 0 (whole test) or 0.1..60 s, got "
                    + totalRateWindow);
        }
    }

    /**
     * Wildcard address, port 5201, one test at a time, no duration cap, 30 s idle timeout, platform data threads, no
     * authentication, no rate limit (averaged over iperf3's default 5 s once set), no TCP figures, no byte quota.
     */
    public static Iperf3ServerConfig defaults() {
        return new Iperf3ServerConfig(InetAddress.ofLiteral("0.0.0.0"), DEFAULT_PORT, 1, Duration.ZERO,
                Duration.ofSeconds(30), DataThreads.PLATFORM, null, 0, Duration.ofSeconds(5),
                TcpStatsSource.UNAVAILABLE, ClientByteQuota.UNLIMITED, DEFAULT_SETUP_TIMEOUT, TcpTuning.UNAVAILABLE);
    }

    public Iperf3ServerConfig withBind(InetAddress address, int newPort) {
        return new Iperf3ServerConfig(address, newPort, maxConcurrentTests, maxDuration, idleTimeout,
                dataThreads, auth, totalRateLimitBitsPerSecond, totalRateWindow, tcpStats, clientQuota, setupTimeout, tcpTuning);
    }

    public Iperf3ServerConfig withMaxConcurrentTests(int tests) {
        return new Iperf3ServerConfig(bindAddress, port, tests, maxDuration, idleTimeout,
                dataThreads, auth, totalRateLimitBitsPerSecond, totalRateWindow, tcpStats, clientQuota, setupTimeout, tcpTuning);
    }

    public Iperf3ServerConfig withMaxDuration(Duration duration) {
        return new Iperf3ServerConfig(bindAddress, port, maxConcurrentTests, duration, idleTimeout,
                dataThreads, auth, totalRateLimitBitsPerSecond, totalRateWindow, tcpStats, clientQuota, setupTimeout, tcpTuning);
    }

    public Iperf3ServerConfig withIdleTimeout(Duration timeout) {
        return new Iperf3ServerConfig(bindAddress, port, maxConcurrentTests, maxDuration, timeout,
                dataThreads, auth, totalRateLimitBitsPerSecond, totalRateWindow, tcpStats, clientQuota, setupTimeout, tcpTuning);
    }

    public Iperf3ServerConfig withDataThreads(DataThreads threads) {
        return new Iperf3ServerConfig(bindAddress, port, maxConcurrentTests, maxDuration, idleTimeout,
                threads, auth, totalRateLimitBitsPerSecond, totalRateWindow, tcpStats, clientQuota, setupTimeout, tcpTuning);
    }

    /** Requires iperf3 authentication ({@code null} turns it off). */
    public Iperf3ServerConfig withAuth(Iperf3AuthConfig authConfig) {
        return new Iperf3ServerConfig(bindAddress, port, maxConcurrentTests, maxDuration, idleTimeout,
                dataThreads, authConfig, totalRateLimitBitsPerSecond, totalRateWindow, tcpStats, clientQuota, setupTimeout, tcpTuning);
    }

    /** iperf3's {@code --server-bitrate-limit rate[/seconds]}; a rate of 0 turns the limit off. */
    public Iperf3ServerConfig withTotalRateLimit(long bitsPerSecond, Duration window) {
        return new Iperf3ServerConfig(bindAddress, port, maxConcurrentTests, maxDuration, idleTimeout,
                dataThreads, auth, bitsPerSecond, window, tcpStats, clientQuota, setupTimeout, tcpTuning);
    }

    /** Sets a client's congestion control on its TCP streams through {@code tuning}. */
    public Iperf3ServerConfig withTcpTuning(TcpTuning tuning) {
        return new Iperf3ServerConfig(bindAddress, port, maxConcurrentTests, maxDuration, idleTimeout,
                dataThreads, auth, totalRateLimitBitsPerSecond, totalRateWindow, tcpStats, clientQuota, setupTimeout, tuning);
    }

    /** Reads the retransmits, cwnd and RTT of streams the server sends on from {@code source}. */
    public Iperf3ServerConfig withTcpStats(TcpStatsSource source) {
        return new Iperf3ServerConfig(bindAddress, port, maxConcurrentTests, maxDuration, idleTimeout,
                dataThreads, auth, totalRateLimitBitsPerSecond, totalRateWindow, source, clientQuota, setupTimeout, tcpTuning);
    }

    /** Gives a new connection {@code timeout} to send its cookie and parameters. */
    public Iperf3ServerConfig withSetupTimeout(Duration timeout) {
        return new Iperf3ServerConfig(bindAddress, port, maxConcurrentTests, maxDuration, idleTimeout,
                dataThreads, auth, totalRateLimitBitsPerSecond, totalRateWindow, tcpStats, clientQuota, timeout, tcpTuning);
    }

    /** Counts the bytes each client address moves against {@code quota}. */
    public Iperf3ServerConfig withClientQuota(ClientByteQuota quota) {
        return new Iperf3ServerConfig(bindAddress, port, maxConcurrentTests, maxDuration, idleTimeout,
                dataThreads, auth, totalRateLimitBitsPerSecond, totalRateWindow, tcpStats, quota, setupTimeout, tcpTuning);
    }
}
