/**
 * The agent: runs probes on the AutoPerf schedule, keeps every result in a durable outbox until each sink has it,
 * and reports its state on a status port (docs/AGENT.md).
 */
package io.waddleperf.agent;
