package io.waddleperf.core.spec;

import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.Set;

/**
 * TCP connect plus TLS handshake, timed separately, with certificate details ({@code tls}, docs/RESULTS.md).
 * {@code tlsClient} as for every TLS client probe ({@link TlsClientSpec}); with {@code verify=false} this probe
 * still reports the verification outcome but does not fail on it. {@code library}: which TLS implementation makes
 * the handshake: {@code auto} (the system's OpenSSL when it loads, else the JDK's), {@code openssl} or {@code jsse}.
 */
public record TlsSpec(String target, Endpoint endpoint, int count, Duration interval, Duration timeout,
                      String serverName, TlsClientSpec tlsClient, String library) implements ProbeSpec {

    public static final int DEFAULT_PORT = 443;
    public static final Set<String> LIBRARIES = Set.of("auto", "openssl", "jsse");

    public static TlsSpec of(String target, String host, Integer port, ProbeOptions o) {
        Params p = Params.of(o, "tls", TlsClientSpec.withOptions(Set.of("sni", "tls_library")));
        return new TlsSpec(target, new Endpoint(host, port == null ? DEFAULT_PORT : port), o.countOr(1),
                o.intervalOr(Duration.ofMillis(100)), o.timeoutOr(Duration.ofSeconds(10)),
                p.string("sni", host), TlsClientSpec.of(p), p.oneOf("tls_library", "auto", LIBRARIES));
    }

    @Override
    public java.util.Optional<TlsClientSpec> tlsOptions() {
        return java.util.Optional.of(tlsClient);
    }

    @Override
    public Duration budget() {
        return ProbeSpec.budgetOf(count, interval, timeout);
    }

    @Override
    public TestType testType() {
        return TestType.TLS;
    }
}
