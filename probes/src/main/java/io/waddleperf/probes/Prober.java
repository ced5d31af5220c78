package io.waddleperf.probes;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.ProbeSpec;

/**
 * Measures one probe type. A prober only measures: it fills the metric fields of {@code result} and returns
 * normally on success, or throws (a {@link ProbeException} with a specific kind, or any I/O exception the
 * {@link Failures} classifier understands). Metrics already put into {@code result} stay in the failed result.
 * The {@link ProbeRunner} owns the id, timestamps, deadline, {@code success} and {@code error}.
 */
@FunctionalInterface
public interface Prober<S extends ProbeSpec> {

    void probe(S spec, ProbeContext context, ProbeResult.Builder result) throws Exception;
}
