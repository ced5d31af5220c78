package io.waddleperf.iperf3.client;

import io.waddleperf.iperf3.TcpStatsSource;
import io.waddleperf.iperf3.TestParameters;
import java.time.Duration;
import java.util.Objects;

/**
 * What an {@link Iperf3Client} run needs; {@link #of} is the one home of the defaults.
 *
 * @param host server name or address
 * @param port server port (iperf3's 5201 by default)
 * @param params the test as sent to the server
 * @param connectTimeout bound on each TCP connect and on the UDP connect reply
 * @param reportInterval length of one interval report (iperf3's {@code -i}, 1 s)
 * @param idleTimeout how long the server may stay silent when a message is due (iperf3's {@code --rcv-timeout})
 * @param tcpStats where sending TCP streams read retransmits, cwnd and RTT ({@link TcpStatsSource#UNAVAILABLE}: -1)
 */
public record Iperf3ClientConfig(String host, int port, TestParameters params, Duration connectTimeout,
        Duration reportInterval, Duration idleTimeout, TcpStatsSource tcpStats) {

    public static final int DEFAULT_PORT = 5201;

    public Iperf3ClientConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(tcpStats, "tcpStats");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
        if (reportInterval.compareTo(Duration.ofMillis(100)) < 0 || reportInterval.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("report interval must be 0.1 to 60 s, got " + reportInterval);
        }
    }

    /** 10 s connect timeout, 1 s intervals, 30 s idle timeout, no TCP figures. */
    public static Iperf3ClientConfig of(String host, int port, TestParameters params) {
        return new Iperf3ClientConfig(host, port, params, Duration.ofSeconds(10), Duration.ofSeconds(1),
                Duration.ofSeconds(30), TcpStatsSource.UNAVAILABLE);
    }

    public Iperf3ClientConfig withReportInterval(Duration interval) {
        return new Iperf3ClientConfig(host, port, params, connectTimeout, interval, idleTimeout, tcpStats);
    }

    public Iperf3ClientConfig withConnectTimeout(Duration timeout) {
        return new Iperf3ClientConfig(host, port, params, timeout, reportInterval, idleTimeout, tcpStats);
    }

    /** Reads sending streams' retransmits, cwnd and RTT from {@code source}. */
    public Iperf3ClientConfig withTcpStats(TcpStatsSource source) {
        return new Iperf3ClientConfig(host, port, params, connectTimeout, reportInterval, idleTimeout, source);
    }
}
