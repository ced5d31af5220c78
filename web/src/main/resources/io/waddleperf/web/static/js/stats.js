// Statistics over measured samples. Pure functions, no DOM, so the formulas are easy to check.

/**
 * The latency figures of a result, in its field names (docs/RESULTS.md), each rounded to the microsecond as results
 * carry them. `samplesMs` are round-trip times in milliseconds in the order the requests were sent. Null for no
 * samples; throws for a NaN, infinite or negative sample. The test server recomputes these from the posted samples.
 */
export function latencyStats(samplesMs) {
  const s = latencySummary(samplesMs);
  if (s === null) return null;
  return {
    latency_ms: roundMs(s.avgMs),
    min_latency_ms: roundMs(s.minMs),
    max_latency_ms: roundMs(s.maxMs),
    p50_latency_ms: roundMs(s.p50Ms),
    p95_latency_ms: roundMs(s.p95Ms),
    p99_latency_ms: roundMs(s.p99Ms),
    stddev_latency_ms: roundMs(s.stddevMs),
    jitter_ms: roundMs(s.jitterMs),
    ipdv_ms: roundMs(s.ipdvMs),
  };
}

/**
 * The unrounded summary, operation for operation the JVM's LatencyStats (io.waddleperf.core.stats), so both give the
 * same doubles: sums over the ascending sort, population standard deviation (divide by n, two passes, 0 when every
 * sample is equal), Hyndman & Fan type 7 percentiles, RFC 3550 jitter and the mean absolute consecutive difference
 * over the samples in send order, and the same clamps against rounding past min/max.
 */
export function latencySummary(samplesMs) {
  const n = samplesMs.length;
  if (n === 0) return null;
  samplesMs.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new RangeError(`latency sample ${i} is not a finite non-negative number: ${v}`);
    }
  });
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const min = sorted[0];
  const max = sorted[n - 1];
  let sum = 0;
  for (const v of sorted) sum += v;
  // clamp: n copies of x summed and divided by n can round a hair outside [min, max]
  const avg = Math.min(max, Math.max(min, sum / n));
  let squares = 0;
  for (const v of sorted) squares += (v - avg) * (v - avg);
  const stddev = min === max ? 0 : Math.sqrt(squares / n);
  let jitter = 0; // RFC 3550 §6.4.1: J += (|D| - J) / 16, D = difference of consecutive round trips
  let absDiffSum = 0;
  for (let i = 1; i < n; i++) {
    const d = samplesMs[i] - samplesMs[i - 1];
    jitter += (Math.abs(d) - jitter) / 16;
    absDiffSum += Math.abs(d);
  }
  // clamp: each |D| is at most max - min, but summing many can round a hair above it
  const ipdv = n === 1 ? 0 : Math.min(max - min, absDiffSum / (n - 1));
  return {
    count: n,
    minMs: min,
    avgMs: avg,
    maxMs: max,
    stddevMs: stddev,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    jitterMs: jitter,
    ipdvMs: ipdv,
  };
}

/**
 * The p-th percentile (0-100) of an ascending array by linear interpolation between closest ranks (Hyndman & Fan
 * type 7, numpy's default): h = (n - 1) p / 100, between sorted[floor h] and the next. [10, 20, 30, 40] gives
 * p50 = 25, p95 = 38.5.
 */
export function percentile(sorted, p) {
  const n = sorted.length;
  const h = (n - 1) * (p / 100);
  const lo = Math.floor(h);
  if (lo >= n - 1) return sorted[n - 1];
  const fraction = h - lo;
  const a = sorted[lo];
  const b = sorted[lo + 1];
  if (fraction === 0) return a;
  // clamp: a + (b - a) * f can round just past b
  return Math.min(b, Math.max(a, a + (b - a) * fraction));
}

/** Milliseconds rounded to the microsecond, half up, as the JVM's LatencyStats.roundMs. */
export function roundMs(ms) {
  return Math.round(ms * 1000) / 1000;
}

/** Goodput in 10^6 bit/s (throughput_mbps in docs/RESULTS.md): bytes moved over milliseconds, no overhead factor. */
export function mbps(bytes, elapsedMs) {
  return elapsedMs > 0 ? (bytes * 8) / (elapsedMs * 1000) : 0;
}
