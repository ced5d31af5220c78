/**
 * The statistics kernel: pure functions and small estimators that turn RTT samples and sequence numbers into
 * the latency, jitter (RFC 3550), percentile and loss figures; no I/O and no clock reads.
 */
package io.waddleperf.core.stats;
