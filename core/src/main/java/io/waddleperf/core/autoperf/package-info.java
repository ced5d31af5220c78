/**
 * The AutoPerf schedule as data: how often tier 1 runs, which probes each tier runs and the thresholds that escalate
 * from one tier to the next. The manager validates, stores and serves it per device and organisation unit; the agent
 * runs it.
 */
package io.waddleperf.core.autoperf;
