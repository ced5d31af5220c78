package io.waddleperf.core.spec;

import io.waddleperf.core.result.TestType;
import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * An HTTP(S) request with per-phase timing ({@code http}, docs/RESULTS.md). {@code protocol} is {@code auto},
 * {@code http1} or {@code http2}; {@code tlsClient} as for every TLS client probe ({@link TlsClientSpec});
 * {@code maxBodyBytes} the most body bytes an attempt reads before it stops reading (0: the whole body);
 * {@code tlsLibrary} which TLS implementation an https request's handshake and records go through, as the tls
 * probe's option ({@link TlsSpec#LIBRARIES}).
 */
public record HttpSpec(String target, URI url, Endpoint endpoint, String method, String protocol, boolean followRedirects,
                       int count, Duration interval, Duration timeout, TlsClientSpec tlsClient, long maxBodyBytes,
                       String tlsLibrary)
        implements ProbeSpec {

    public static final Set<String> METHODS = Set.of("get", "post", "head", "options");
    public static final Set<String> PROTOCOLS = Set.of("auto", "http1", "http2");
    /** The option that caps the body an attempt reads. */
    public static final String MAX_BODY_BYTES = "max_body_bytes";

    public static HttpSpec of(String target, URI url, ProbeOptions o) {
        Params p = Params.of(o, "http", TlsClientSpec.withOptions(Set.of("method", "protocol", "follow_redirects",
                MAX_BODY_BYTES, "tls_library")));
        String scheme = url.getScheme();
        int port = url.getPort() != -1 ? url.getPort() : "https".equals(scheme) ? 443 : 80;
        String protocol = normaliseProtocol(p.string("protocol", "auto"));
        // URI keeps an IPv6 literal's brackets in its host; an Endpoint holds the bare address
        String host = url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1) : url.getHost();
        return new HttpSpec(target, url, new Endpoint(host, port),
                p.oneOf("method", "get", METHODS).toUpperCase(java.util.Locale.ROOT), protocol,
                p.bool("follow_redirects", true), o.countOr(1), o.intervalOr(Duration.ofMillis(100)),
                o.timeoutOr(Duration.ofSeconds(30)), TlsClientSpec.of(p), p.bytes(MAX_BODY_BYTES, 0, 1, Long.MAX_VALUE),
                p.oneOf("tls_library", "auto", TlsSpec.LIBRARIES));
    }

    /** This request toward another URL (a trace's service check keeps the caller's path). */
    public HttpSpec withUrl(URI other) {
        return new HttpSpec(target, other, endpoint, method, protocol, followRedirects, count, interval, timeout,
                tlsClient, maxBodyBytes, tlsLibrary);
    }

    /** Accepts the original's spellings: {@code http1}, {@code http/1.1}, {@code http2}, {@code http/2}, {@code auto}. */
    public static String normaliseProtocol(String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> "auto";
            case "http1", "http/1.1", "http1.1", "http/1" -> "http1";
            case "http2", "http/2", "h2" -> "http2";
            default -> throw new InvalidSpecException("protocol", "expected auto, http1 (http/1.1) or http2 (http/2), got '" + value + "'");
        };
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
        return TestType.HTTP;
    }

    @Override
    public String protocolDetail() {
        return protocol;
    }
}
