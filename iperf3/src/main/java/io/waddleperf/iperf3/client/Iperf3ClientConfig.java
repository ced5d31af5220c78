package io.waddleperf.iperf3.client;

import io.waddleperf.iperf3.TcpStatsSource;
import io.waddleperf.iperf3.TcpTuning;
import io.waddleperf.iperf3.TestParameters;
import java.net.InetAddress;
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
 * @param bindAddress local address of the control and data connections (iperf3's client {@code -B}), or null for the
 *     system's choice
 * @param dataPort local port of the data streams (iperf3's {@code --cport}), 0 for ephemeral ports; stream {@code i}
 *     (from 0) binds {@code dataPort + i}, so parallel streams do not collide
 * @param tcpTuning where TCP streams get {@code -C} and {@code -M} set ({@link TcpTuning#UNAVAILABLE}: not set)
 */
public record Iperf3ClientConfig(String host, int port, TestParameters params, Duration connectTimeout,
        Duration reportInterval, Duration idleTimeout, TcpStatsSource tcpStats, InetAddress bindAddress, int dataPort,
        TcpTuning tcpTuning) {

    public static final int DEFAULT_PORT = 5201;

    public Iperf3ClientConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(tcpStats, "tcpStats");
        Objects.requireNonNull(tcpTuning, "tcpTuning");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
        if (dataPort < 0 || dataPort > 65_535) {
            throw new IllegalArgumentException("client data port must be 0..65535, got " + dataPort);
        }
        if (reportInterval.compareTo(Duration.ofMillis(100)) < 0 || reportInterval.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("report interval must be 0.1 to 60 s, got " + reportInterval);
        }
    }

    /** 10 s connect timeout, 1 s intervals, 30 s idle timeout, no TCP figures. */
    public static Iperf3ClientConfig of(String host, int port, TestParameters params) {
        return new Iperf3ClientConfig(host, port, params, Duration.ofSeconds(10), Duration.ofSeconds(1),
                Duration.ofSeconds(30), TcpStatsSource.UNAVAILABLE, null, 0, TcpTuning.UNAVAILABLE);
    }

    public Iperf3ClientConfig withReportInterval(Duration interval) {
        return new Iperf3ClientConfig(host, port, params, connectTimeout, interval, idleTimeout, tcpStats, bindAddress,
                dataPort, tcpTuning);
    }

    public Iperf3ClientConfig withConnectTimeout(Duration timeout) {
        return new Iperf3ClientConfig(host, port, params, timeout, reportInterval, idleTimeout, tcpStats, bindAddress,
                dataPort, tcpTuning);
    }

    /** How long the server may stay silent when a message is due (iperf3's {@code --rcv-timeout}). */
    public Iperf3ClientConfig withIdleTimeout(Duration timeout) {
        return new Iperf3ClientConfig(host, port, params, connectTimeout, reportInterval, timeout, tcpStats,
                bindAddress, dataPort, tcpTuning);
    }

    /** Binds the connections to {@code address} (null: any) and the data streams from {@code firstDataPort} (0: any). */
    public Iperf3ClientConfig withLocal(InetAddress address, int firstDataPort) {
        return new Iperf3ClientConfig(host, port, params, connectTimeout, reportInterval, idleTimeout, tcpStats,
                address, firstDataPort, tcpTuning);
    }

    /** Sets {@code -C} and {@code -M} on the TCP streams through {@code tuning}. */
    public Iperf3ClientConfig withTcpTuning(TcpTuning tuning) {
        return new Iperf3ClientConfig(host, port, params, connectTimeout, reportInterval, idleTimeout, tcpStats,
                bindAddress, dataPort, tuning);
    }

    /** Reads sending streams' retransmits, cwnd and RTT from {@code source}. */
    public Iperf3ClientConfig withTcpStats(TcpStatsSource source) {
        return new Iperf3ClientConfig(host, port, params, connectTimeout, reportInterval, idleTimeout, source, bindAddress,
                dataPort, tcpTuning);
    }
}
