package io.waddleperf.probes.udp;

import io.waddleperf.core.echo.EchoCodec;
import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.UdpSpec;
import io.waddleperf.core.stats.LatencyStats;
import io.waddleperf.core.stats.LossStats;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeException;
import io.waddleperf.probes.Prober;
import io.waddleperf.probes.Settle;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;

/**
 * The {@code udp} prober: WaddlePerf's UDP echo ping (docs/PROTOCOL-udp-echo.md §7). Sends
 * {@code count} requests of {@code size} bytes every {@code interval} on schedule, matches replies by sequence,
 * times RTTs on the client's monotonic clock, waits {@code timeout} after the last send for stragglers, and reports
 * RTT statistics, RFC 3550 jitter, IPDV, loss, duplicates and reordering; {@code raw_results} adds the server's
 * processing time and each direction's delay variation from the server timestamps.
 *
 * <p>Failures, always after the counters are filled: an ICMP port unreachable before any reply is
 * {@code connection_refused} (nobody listens on that port), no valid reply at all is {@code no_reply}.
 */
public final class UdpEchoProber implements Prober<UdpSpec> {

    public static final UdpEchoProber INSTANCE = new UdpEchoProber();

    private UdpEchoProber() {
    }

    @Override
    public void probe(UdpSpec spec, ProbeContext context, ProbeResult.Builder result) throws Exception {
        InetAddress ip = InetAddress.getByName(spec.endpoint().host());
        synchronized (result) {
            result.targetIp(ip.getHostAddress());
        }
        InetSocketAddress target = new InetSocketAddress(ip, spec.endpoint().port());
        EchoRun run;
        try (DatagramChannel channel = DatagramChannel.open(
                ip instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET)) {
            // Connected: the kernel drops datagrams from anyone else and reports ICMP errors for this peer.
            channel.connect(target);
            run = new EchoRun(spec, context.clock(), channel);
            if (spec.count() > 1) {
                // compiled code and an idle thread for the timed exchanges (Settle, EchoRun.Compiled)
                EchoRun.Compiled.ensure();
                Settle.beforeTimedAttempts();
            }
            try {
                run.execute();
            } finally {
                synchronized (result) {
                    report(spec, run, result);
                }
            }
        }
        failIfUnanswered(spec, run, target);
    }

    private static void failIfUnanswered(UdpSpec spec, EchoRun run, InetSocketAddress target) throws Exception {
        if (run.sendFailure != null) {
            throw run.sendFailure;
        }
        if (run.refused()) {
            throw new ProbeException(ErrorKind.CONNECTION_REFUSED, "ICMP port unreachable from "
                    + target.getAddress().getHostAddress() + " port " + target.getPort() + ": no udp echo server there");
        }
        if (run.receiveFailure() != null) {
            throw run.receiveFailure();
        }
        if (run.uniqueReplies() == 0) {
            String invalid = run.invalidReplies.isEmpty() ? "" : "; invalid replies " + run.invalidReplies;
            String hint = spec.token() == null ? "" : " (check the token)";
            throw new ProbeException(ErrorKind.NO_REPLY, "no reply to " + run.sent + " datagrams within "
                    + spec.timeout().toMillis() + " ms of the last" + invalid + hint);
        }
    }

    private static void report(UdpSpec spec, EchoRun run, ProbeResult.Builder result) {
        LossStats loss = run.tracker.summary(run.sent);
        result.packetsSent(loss.sent())
                .packetsReceived(loss.received())
                .packetLossPercent(round(loss.lossPercent()))
                .duplicatePackets(loss.duplicates())
                .reorderedPackets(loss.reordered())
                .sentBytes((long) run.sent * spec.sizeBytes())
                .receivedBytes(run.receivedBytes);
        result.raw("protocol_version", EchoCodec.VERSION)
                .raw("size_bytes", spec.sizeBytes())
                .raw("interval_ms", round(spec.interval().toNanos() / 1e6))
                .raw("authenticated", spec.token() != null)
                .raw("send_lag_max_ms", round(run.maxSendLagNanos / 1e6));
        if (run.portUnreachable() > 0) {
            result.raw("icmp_port_unreachable", run.portUnreachable());
        }
        if (!run.invalidReplies.isEmpty()) {
            result.raw("invalid_replies", new java.util.TreeMap<>(run.invalidReplies));
        }
        int[] answered = answeredInSendOrder(run);
        if (answered.length == 0) {
            return;
        }
        double[] rttMs = new double[answered.length];
        double processingSumMs = 0;
        double processingMaxMs = 0;
        for (int k = 0; k < answered.length; k++) {
            int i = answered[k];
            rttMs[k] = run.rttNanos[i] / 1e6;
            double processingMs = (run.serverSendNanos[i] - run.serverReceiveNanos[i]) / 1e6;
            processingSumMs += processingMs;
            processingMaxMs = Math.max(processingMaxMs, processingMs);
        }
        LatencyStats stats = LatencyStats.of(rttMs);
        result.latencyMs(round(stats.avgMs()))
                .minLatencyMs(round(stats.minMs()))
                .maxLatencyMs(round(stats.maxMs()))
                .p50LatencyMs(round(stats.p50Ms()))
                .p95LatencyMs(round(stats.p95Ms()))
                .p99LatencyMs(round(stats.p99Ms()))
                .stddevLatencyMs(round(stats.stddevMs()))
                .jitterMs(round(stats.jitterMs()))
                .ipdvMs(round(stats.ipdvMs()));
        result.raw("server_processing_avg_ms", round(processingSumMs / answered.length))
                .raw("server_processing_max_ms", round(processingMaxMs));
        if (answered.length > 1) {
            result.raw("upstream_ipdv_ms", round(directionalIpdvMs(run, answered, true)))
                    .raw("downstream_ipdv_ms", round(directionalIpdvMs(run, answered, false)));
        }
    }

    /** Sequences that got a reply, ascending (the send order). */
    private static int[] answeredInSendOrder(EchoRun run) {
        int n = 0;
        for (int i = 0; i < run.sent; i++) {
            n += run.rttNanos[i] >= 0 ? 1 : 0;
        }
        int[] answered = new int[n];
        for (int i = 0, k = 0; i < run.sent; i++) {
            if (run.rttNanos[i] >= 0) {
                answered[k++] = i;
            }
        }
        return answered;
    }

    /**
     * Mean absolute delay variation of one direction over consecutive answered sequences (RFC 5481 §4.1 IPDV with
     * consecutive selection). Each term mixes two clocks but only as differences of differences, so their offset
     * cancels and no clock synchronisation is needed (docs/PROTOCOL-udp-echo.md §7).
     */
    private static double directionalIpdvMs(EchoRun run, int[] answered, boolean upstream) {
        double sumNanos = 0;
        for (int k = 1; k < answered.length; k++) {
            int a = answered[k - 1];
            int b = answered[k];
            long variation = upstream
                    ? (run.serverReceiveNanos[b] - run.serverReceiveNanos[a]) - (run.sendNanos(b) - run.sendNanos(a))
                    : (run.receiveNanos[b] - run.receiveNanos[a]) - (run.serverSendNanos[b] - run.serverSendNanos[a]);
            sumNanos += Math.abs(variation);
        }
        return sumNanos / (answered.length - 1) / 1e6;
    }

    private static double round(double ms) {
        return Math.round(ms * 1000.0) / 1000.0;
    }
}
