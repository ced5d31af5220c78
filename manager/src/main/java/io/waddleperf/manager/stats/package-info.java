/**
 * Statistics over stored results: the rollup tiers, the mergeable latency histogram they keep, how a time range is
 * covered by rollup buckets, and the figures a summary reports.
 */
package io.waddleperf.manager.stats;
