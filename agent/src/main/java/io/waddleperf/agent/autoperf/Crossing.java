package io.waddleperf.agent.autoperf;

/**
 * One threshold a tier's run crossed.
 *
 * @param threshold the threshold's name ({@code ping_latency}, a custom one, or {@code probe_failed})
 * @param probe     the probe whose result crossed it
 * @param reason    what a trigger says about it: {@code ping_latency exceeded: 150ms > 100ms}
 */
public record Crossing(String threshold, String probe, String reason) {
}
