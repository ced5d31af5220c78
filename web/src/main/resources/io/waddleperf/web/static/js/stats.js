// Statistics over measured samples. Pure functions, no DOM, so the formulas are easy to check.

/** Summary of round-trip samples in milliseconds, in the result object's field names (docs/RESULTS.md). */
export function latencyStats(samplesMs) {
  const n = samplesMs.length;
  if (n === 0) return null;
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mean = samplesMs.reduce((s, x) => s + x, 0) / n;
  // sample standard deviation (n - 1), as ping and mtr report it
  const variance = n > 1 ? samplesMs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  let jitter = 0; // RFC 3550 §6.4.1: J += (|D| - J) / 16, D = difference of consecutive transit times
  let ipdvSum = 0; // mean absolute difference of consecutive samples (what the original called jitter)
  for (let i = 1; i < n; i++) {
    const d = Math.abs(samplesMs[i] - samplesMs[i - 1]);
    jitter += (d - jitter) / 16;
    ipdvSum += d;
  }
  return {
    latency_ms: mean,
    min_latency_ms: sorted[0],
    max_latency_ms: sorted[n - 1],
    p50_latency_ms: percentile(sorted, 50),
    p95_latency_ms: percentile(sorted, 95),
    stddev_latency_ms: Math.sqrt(variance),
    jitter_ms: jitter,
    ipdv_ms: n > 1 ? ipdvSum / (n - 1) : 0,
  };
}

/** Nearest-rank percentile (the value at rank ceil(p/100 × n)) of an ascending array. */
export function percentile(sorted, p) {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** Goodput in 10^6 bit/s (throughput_mbps in docs/RESULTS.md): bytes moved over milliseconds, no overhead factor. */
export function mbps(bytes, elapsedMs) {
  return elapsedMs > 0 ? (bytes * 8) / (elapsedMs * 1000) : 0;
}
