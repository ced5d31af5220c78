/** The status port: AutoPerf status and triggers as JSON, Prometheus metrics, blackbox-style on-demand probes. */
package io.waddleperf.agent.status;
