package io.waddleperf.agent.autoperf;

import io.waddleperf.core.autoperf.ProbeDefinition;
import io.waddleperf.core.result.ProbeResult;

/** One probe of a tier run and the result it gave. */
public record ProbeOutcome(ProbeDefinition definition, ProbeResult result) {
}
