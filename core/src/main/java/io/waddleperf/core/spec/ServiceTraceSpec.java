package io.waddleperf.core.spec;

import io.waddleperf.core.result.TestType;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A route and a service check in one ({@code http_trace}, {@code tcp_trace}, {@code udp_trace}, as the
 * original): a traceroute toward the service port ({@code path}: TCP SYN probes for http/tcp, UDP for udp), then one
 * request or connect ({@code service}: an {@link HttpSpec}, {@link TcpSpec} or {@link UdpRawSpec}). Default ports
 * 443 (http, scheme https; 80 for an {@code http://} URL), 22 (tcp) and 53 (udp). The trace takes {@code max_hops}
 * and {@code resolve}; every other option belongs to the service check.
 */
public record ServiceTraceSpec(TestType testType, String target, TracerouteSpec path, ProbeSpec service)
        implements ProbeSpec {

    public static final int DEFAULT_HTTPS_PORT = 443;
    public static final int DEFAULT_TCP_PORT = 22;
    public static final int DEFAULT_UDP_PORT = 53;
    private static final Set<String> TRACE_PARAMS = Set.of("max_hops", "resolve");

    public ServiceTraceSpec {
        if (testType != TestType.HTTP_TRACE && testType != TestType.TCP_TRACE && testType != TestType.UDP_TRACE) {
            throw new IllegalArgumentException("not a service trace type: " + testType);
        }
    }

    /** tcp_trace / udp_trace toward {@code host:port}. */
    public static ServiceTraceSpec of(TestType type, String target, String host, Integer port, ProbeOptions o) {
        Map<String, String> traceParams = new HashMap<>();
        Map<String, String> serviceParams = new HashMap<>();
        o.params().forEach((k, v) -> (TRACE_PARAMS.contains(k) ? traceParams : serviceParams).put(k, v));
        ProbeOptions serviceOptions = new ProbeOptions(o.count(), o.interval(), o.timeout(), o.sizeBytes(), serviceParams);
        Params p = Params.of(new ProbeOptions(null, null, null, null, traceParams), type.wireName(), TRACE_PARAMS);
        ProbeSpec service;
        String proto;
        if (type == TestType.TCP_TRACE) {
            service = TcpSpec.of(target, host, port == null ? DEFAULT_TCP_PORT : port, serviceOptions);
            proto = "tcp";
        } else if (type == TestType.UDP_TRACE) {
            service = UdpRawSpec.of(target, host, port == null ? DEFAULT_UDP_PORT : port, serviceOptions);
            proto = "udp";
        } else {
            String scheme = serviceParams.getOrDefault("scheme", "https").toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new InvalidSpecException("scheme", "expected http or https, got '" + scheme + "'");
            }
            serviceParams.remove("scheme");
            URI url = url(scheme, host, port, "/");
            service = HttpSpec.of(target, url, new ProbeOptions(o.count(), o.interval(), o.timeout(), o.sizeBytes(), serviceParams));
            proto = "tcp";
        }
        TracerouteSpec path = TracerouteSpec.path(target, service.endpoint().host(), service.endpoint().port(), proto, p,
                TracerouteSpec.DEFAULT_PROBES_PER_HOP, TracerouteSpec.DEFAULT_WAIT);
        return new ServiceTraceSpec(type, target, path, service);
    }

    /** http_trace toward an http:// or https:// URL (the test API's form: port 443 for https, 80 for http). */
    public static ServiceTraceSpec ofUrl(String target, URI url, ProbeOptions o) {
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        Map<String, String> params = new HashMap<>(o.params());
        params.put("scheme", scheme);
        int port = url.getPort() != -1 ? url.getPort() : scheme.equals("https") ? DEFAULT_HTTPS_PORT : 80;
        ServiceTraceSpec spec = of(TestType.HTTP_TRACE, target, url.getHost(), port,
                new ProbeOptions(o.count(), o.interval(), o.timeout(), o.sizeBytes(), params));
        HttpSpec http = (HttpSpec) spec.service();
        URI withPath = url(scheme, url.getHost(), port, url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath());
        return new ServiceTraceSpec(TestType.HTTP_TRACE, target, spec.path(), http.withUrl(withPath));
    }

    private static URI url(String scheme, String host, Integer port, String path) {
        int p = port != null ? port : scheme.equals("https") ? DEFAULT_HTTPS_PORT : 80;
        try {
            return new URI(scheme, null, host, p, path, null, null);
        } catch (URISyntaxException e) {
            throw new InvalidSpecException("target", e.getMessage());
        }
    }

    @Override
    public Endpoint endpoint() {
        return service.endpoint();
    }

    @Override
    public Duration timeout() {
        return service.timeout();
    }

    @Override
    public java.util.Optional<TlsClientSpec> tlsOptions() {
        return service.tlsOptions();
    }

    @Override
    public Duration budget() {
        return path.budget().plus(service.budget());
    }

    @Override
    public String protocolDetail() {
        return path.proto();
    }
}
