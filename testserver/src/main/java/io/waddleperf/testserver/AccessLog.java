package io.waddleperf.testserver;

import io.waddleperf.core.text.SafeText;
import io.waddleperf.iperf3.Protocol;
import io.waddleperf.iperf3.server.Iperf3ServerEvents;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The test server's record of who did what: one structured line per test API request and per iperf3 test, on the
 * logger {@value #LOGGER} at INFO (docs/TEST-API.md, "Access log"). Fields are {@code key=value}; values that came from
 * a caller are quoted and made safe ({@link SafeText}), so a line is always one line and parses the same way. An API
 * key appears only as its key id.
 */
public final class AccessLog {

    public static final String LOGGER = "io.waddleperf.testserver.access";
    /** Longest caller-given value written (a target is at most 255 characters when valid). */
    static final int MAX_VALUE_CHARS = 300;

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private AccessLog() {
    }

    /** How a test API request ended. */
    public enum Outcome {
        /** The test ran and succeeded. */
        SUCCESS,
        /** The test ran and failed (a result with {@code success: false}). */
        FAILURE,
        /** The request was refused (4xx). */
        REFUSED,
        /** The caller hung up while its test ran; it was cancelled and nothing answered. */
        CALLER_GONE,
        /** The server failed (5xx). */
        ERROR
    }

    /**
     * One test API request.
     *
     * @param keyId  the caller's key id, or null (no key accepted)
     * @param type   the path's test type, or null when not known
     * @param target the target asked for, or null
     * @param port   the port asked for, or null
     * @param error  the refusal's or the failed result's error, or null
     */
    public static void testApi(Instant start, String client, String keyId, String type, String target, Integer port,
                               int status, Outcome outcome, String error, double durationMs) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        StringBuilder line = new StringBuilder("event=test_api time=").append(start.truncatedTo(ChronoUnit.MILLIS))
                .append(" client=").append(client)
                .append(" key_id=").append(keyId == null ? "-" : keyId)
                .append(" type=").append(type == null ? "-" : token(type))
                .append(" target=").append(target == null ? "-" : quoted(target));
        if (port != null) {
            line.append(" port=").append(port);
        }
        line.append(" status=").append(status).append(" outcome=").append(outcome.name().toLowerCase(Locale.ROOT));
        if (error != null) {
            line.append(" error=").append(quoted(error));
        }
        line.append(" duration_ms=").append(String.format(Locale.ROOT, "%.1f", durationMs));
        LOG.info(line.toString());
    }

    /** iperf3 server events that write one line per test, as stock iperf3's server reports each test it ran. */
    public static Iperf3ServerEvents iperf3() {
        return new Iperf3ServerEvents() {
            @Override
            public void ended(TestRecord record) {
                iperf3Test(record);
            }
        };
    }

    static void iperf3Test(Iperf3ServerEvents.TestRecord r) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        StringBuilder line = new StringBuilder("event=iperf3_test time=")
                .append(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .append(" client=").append(address(r.client()));
        if (r.params() != null) {
            line.append(" protocol=").append(r.params().protocol() == Protocol.UDP ? "udp" : "tcp")
                    .append(" direction=").append(r.params().bidirectional() ? "bidir"
                            : r.params().reverse() ? "reverse" : "forward")
                    .append(" streams=").append(r.params().totalStreams());
        }
        line.append(String.format(Locale.ROOT, " seconds=%.2f sent_bytes=%d sent_mbps=%.2f received_bytes=%d"
                        + " received_mbps=%.2f", r.seconds(), r.sentBytes(), mbps(r.sentBytes(), r.seconds()),
                r.receivedBytes(), mbps(r.receivedBytes(), r.seconds())))
                .append(" outcome=").append(r.error() == null ? "done" : "failed");
        if (r.error() != null) {
            line.append(" error=").append(quoted(r.error()));
        }
        LOG.info(line.toString());
    }

    /** 10^6 bit/s, as iperf3 reports rates. */
    private static double mbps(long bytes, double seconds) {
        return seconds <= 0 ? 0 : bytes * 8 / seconds / 1e6;
    }

    private static String address(InetSocketAddress a) {
        if (a == null || a.getAddress() == null) {
            return "-";
        }
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** A value from our own vocabulary that must still not break the line. */
    private static String token(String value) {
        return value.matches("[A-Za-z0-9_./:-]{1,64}") ? value : quoted(value);
    }

    /** {@code "value"} made one safe line, with {@code "} escaped and at most {@link #MAX_VALUE_CHARS} long. */
    static String quoted(String value) {
        String v = value.length() > MAX_VALUE_CHARS ? value.substring(0, MAX_VALUE_CHARS) + "…" : value;
        return '"' + SafeText.line(v).replace("\"", "\\\"") + '"';
    }
}
