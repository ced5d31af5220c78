/**
 * When and how probes run: the AutoPerf loop (tier 1 on an interval with jitter, escalations at once), tier runs
 * with throughput probes alone and latency probes side by side, per-probe and per-tier deadlines, custom probes.
 */
package io.waddleperf.agent.schedule;
