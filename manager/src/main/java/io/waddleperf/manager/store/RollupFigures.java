package io.waddleperf.manager.store;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.manager.stats.LatencyHistogram;
import java.time.Instant;
import java.util.UUID;

/**
 * The running figures of one bucket and series: what a batch adds to a rollup row (a delta), what a fold adds up
 * from many deltas, or a rollup row plus the deltas not yet folded into it. Mutable; one owner at a time.
 */
final class RollupFigures {

    final Instant bucket;
    final UUID series;
    final UUID ouId;
    final UUID submittedBy;
    final String device;
    final String target;
    final String testType;
    long count;
    long successes;
    long latencyCount;
    double latencySum;
    Double latencyMin;
    Double latencyMax;
    long lossCount;
    double lossSum;
    long throughputCount;
    double throughputSum;
    final LatencyHistogram histogram = new LatencyHistogram();

    RollupFigures(Instant bucket, UUID series, UUID ouId, UUID submittedBy, String device, String target,
                  String testType) {
        this.bucket = bucket;
        this.series = series;
        this.ouId = ouId;
        this.submittedBy = submittedBy;
        this.device = device;
        this.target = target;
        this.testType = testType;
    }

    /** Counts one stored result. */
    void add(ProbeResult r) {
        count++;
        if (r.success()) {
            successes++;
        }
        Double l = r.latencyMs();
        if (l != null && Double.isFinite(l)) {
            latencyCount++;
            latencySum += l;
            latencyMin = latencyMin == null ? l : Math.min(latencyMin, l);
            latencyMax = latencyMax == null ? l : Math.max(latencyMax, l);
            histogram.add(l);
        }
        if (r.packetLossPercent() != null && Double.isFinite(r.packetLossPercent())) {
            lossCount++;
            lossSum += r.packetLossPercent();
        }
        if (r.throughputMbps() != null && Double.isFinite(r.throughputMbps())) {
            throughputCount++;
            throughputSum += r.throughputMbps();
        }
    }

    /** Adds another's figures (same series; its bucket lies in this one's). */
    void merge(RollupFigures o) {
        count += o.count;
        successes += o.successes;
        latencyCount += o.latencyCount;
        latencySum += o.latencySum;
        // (no conditional expression here: mixing Double and double there unboxes a null)
        if (o.latencyMin != null) {
            latencyMin = latencyMin == null ? o.latencyMin : Double.valueOf(Math.min(latencyMin, o.latencyMin));
        }
        if (o.latencyMax != null) {
            latencyMax = latencyMax == null ? o.latencyMax : Double.valueOf(Math.max(latencyMax, o.latencyMax));
        }
        lossCount += o.lossCount;
        lossSum += o.lossSum;
        throughputCount += o.throughputCount;
        throughputSum += o.throughputSum;
        histogram.merge(o.histogram);
    }

    /** Empty figures of the same series in {@code coarser}, the bucket of a coarser tier holding this one. */
    RollupFigures emptyAt(Instant coarser) {
        return new RollupFigures(coarser, series, ouId, submittedBy, device, target, testType);
    }

    /**
     * Empty figures of a row added up over series ({@link RollupRepository.Aggregate}): no submitter or device, and
     * no target in a per-OU-and-type row.
     */
    static RollupFigures aggregated(Instant bucket, UUID series, UUID ouId, String target, String testType) {
        return new RollupFigures(bucket, series, ouId, null, null, target, testType);
    }

    /** Figures of a rollup row as read (its series' OU and submitter are not needed by readers). */
    static RollupFigures of(RollupRepository.Row row, UUID series) {
        RollupFigures f = new RollupFigures(row.bucketStart(), series, null, null, row.deviceSerial(), row.target(),
                row.testType());
        f.count = row.count();
        f.successes = row.successCount();
        f.latencyCount = row.latencyCount();
        f.latencySum = row.latencySum();
        f.latencyMin = row.latencyMin();
        f.latencyMax = row.latencyMax();
        f.lossCount = row.lossCount();
        f.lossSum = row.lossSum();
        f.throughputCount = row.throughputCount();
        f.throughputSum = row.throughputSum();
        f.histogram.mergeEncoded(row.latencyHistogram());
        return f;
    }

    /** These figures as a rollup row. */
    RollupRepository.Row toRow() {
        return new RollupRepository.Row(bucket, device, target, testType, count, successes, latencyCount, latencySum,
                latencyMin, latencyMax, lossCount, lossSum, throughputCount, throughputSum, histogram.encode());
    }
}
