package io.waddleperf.probes.icmp;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.stats.LatencyStats;
import io.waddleperf.core.stats.LossStats;
import io.waddleperf.core.stats.SequenceTracker;
import io.waddleperf.probes.ProbeException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one ping run saw, by request index {@code 0..count-1}: which requests were sent, the first reply's RTT and
 * TTL per request, duplicates (via {@link SequenceTracker}) and ICMP errors; turns that into the result's metrics and
 * the run's verdict. Filled from one thread.
 */
final class EchoTally {

    private final int count;
    private final SequenceTracker tracker = new SequenceTracker();
    private final double[] rttMs;
    private final int[] ttl;
    private final boolean[] failed;
    private int sent;
    private int icmpErrors;
    private ErrorKind errorKind;
    private String errorDetail;

    EchoTally(int count) {
        this.count = count;
        this.rttMs = new double[count];
        this.ttl = new int[count];
        this.failed = new boolean[count];
        Arrays.fill(rttMs, Double.NaN);
        Arrays.fill(ttl, -1);
    }

    /** Request {@code index} left (or was attempted: a failed send is a request that can never be answered). */
    void sent(int index) {
        sent = Math.max(sent, index + 1);
    }

    int sentCount() {
        return sent;
    }

    /** A reply to request {@code index}; only the first copy's RTT counts, later copies are duplicates. */
    void reply(int index, double elapsedMs, int replyTtl) {
        if (index < 0 || index >= sent) {
            return; // not one of ours (a stale reply from before the run, or a corrupted sequence)
        }
        tracker.received(index);
        if (Double.isNaN(rttMs[index])) {
            rttMs[index] = elapsedMs;
            ttl[index] = replyTtl;
        }
    }

    /** An error reported instead of a reply (ICMP unreachable, a failed send); the last one explains 100 % loss. */
    void error(ErrorKind kind, String detail, boolean fromIcmp) {
        if (fromIcmp) {
            icmpErrors++;
        }
        errorKind = kind;
        errorDetail = detail;
    }

    /** Request {@code index} can no longer be answered: an ICMP error came back for it, or its send failed. */
    void failed(int index) {
        if (index >= 0 && index < sent) {
            failed[index] = true;
        }
    }

    /**
     * True when every request has been sent and has its answer: a reply or an error. As ping ends once replies plus
     * errors reach the count, an unreachable destination ends the run at its last error, not a timeout later.
     */
    boolean allSettled() {
        if (sent < count) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (Double.isNaN(rttMs[i]) && !failed[i]) {
                return false;
            }
        }
        return true;
    }

    /** Counters, RTT statistics and reply TTLs into {@code result}. */
    void report(ProbeResult.Builder result) {
        LossStats loss = tracker.summary(sent);
        result.packetsSent(loss.sent())
                .packetsReceived(loss.received())
                .packetLossPercent(round(loss.lossPercent()))
                .duplicatePackets(loss.duplicates())
                .reorderedPackets(loss.reordered());
        double[] rtts = Arrays.stream(rttMs, 0, sent).filter(v -> !Double.isNaN(v)).toArray();
        if (icmpErrors > 0) {
            result.raw("icmp_errors", icmpErrors);
        }
        if (rtts.length == 0) {
            return;
        }
        LatencyStats s = LatencyStats.of(rtts);
        result.latencyMs(round(s.avgMs())).minLatencyMs(round(s.minMs())).maxLatencyMs(round(s.maxMs()))
                .p50LatencyMs(round(s.p50Ms())).p95LatencyMs(round(s.p95Ms())).p99LatencyMs(round(s.p99Ms()))
                .stddevLatencyMs(round(s.stddevMs())).jitterMs(round(s.jitterMs())).ipdvMs(round(s.ipdvMs()));
        int[] ttls = Arrays.stream(ttl, 0, sent).filter(t -> t >= 0).toArray();
        if (ttls.length > 0) {
            Map<String, Object> replyTtl = new LinkedHashMap<>();
            replyTtl.put("min", Arrays.stream(ttls).min().orElseThrow());
            replyTtl.put("max", Arrays.stream(ttls).max().orElseThrow());
            result.raw("reply_ttl", ttls[0]);
            result.raw("reply_ttl_range", replyTtl);
        }
    }

    /** Throws when no request was answered: the last error seen, else {@code no_reply}. */
    void judge(long timeoutMs) throws ProbeException {
        if (tracker.summary(sent).received() > 0) {
            return;
        }
        if (errorKind != null) {
            throw new ProbeException(errorKind, errorDetail);
        }
        throw new ProbeException(ErrorKind.NO_REPLY, "no echo reply to " + sent + (sent == 1 ? " request" : " requests")
                + " within " + timeoutMs + " ms of the last");
    }

    static double round(double ms) {
        return Math.round(ms * 1000.0) / 1000.0;
    }
}
