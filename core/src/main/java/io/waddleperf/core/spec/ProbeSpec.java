package io.waddleperf.core.spec;

import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.Optional;

/**
 * What one probe measures. Sealed so that an exhaustive {@code switch} over specs (the prober registry)
 * fails to compile when a type has no prober.
 */
public sealed interface ProbeSpec
        permits TcpSpec, TlsSpec, UdpSpec, UdpRawSpec, DnsSpec, HttpSpec, SshSpec, IcmpSpec, TracerouteSpec, MtrSpec,
        ServiceTraceSpec, SpeedtestSpec, RpmSpec, MtuSpec, Iperf3Spec {

    TestType testType();

    /** The target as the user wrote it (URI or host). */
    String target();

    /** Where the probe connects or sends to. */
    Endpoint endpoint();

    /** Deadline for the whole probe run, enforced by the runner. */
    Duration timeout();

    /**
     * The longest a whole run may take, all attempts included; the runner gives up after this (plus a
     * little grace) even if the prober ignores its own timeouts.
     */
    default Duration budget() {
        return timeout();
    }

    /** Budget of a probe making {@code count} attempts {@code interval} apart, each bounded by {@code timeout}. */
    static Duration budgetOf(int count, Duration interval, Duration timeout) {
        return interval.multipliedBy(count).plus(timeout.multipliedBy(count));
    }

    /** The TLS client settings when this probe can speak TLS as a client; empty otherwise. */
    default Optional<TlsClientSpec> tlsOptions() {
        return Optional.empty();
    }

    /** Variant of the probe (e.g. {@code http/2}, {@code tcp}); null when there is only one. */
    default String protocolDetail() {
        return null;
    }
}
