/**
 * AutoPerf at work (its tiers as data are core's {@code io.waddleperf.core.autoperf}): the threshold checks, and escalation as a pure function of the
 * agent's state and a tier's outcome.
 */
package io.waddleperf.agent.autoperf;
