package io.waddleperf.testserver.api;

import io.waddleperf.core.result.TestType;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Which test types the API runs and how each {@code protocol} value maps to a probe (docs/TEST-API.md). A type that is
 * not in the table answers 404; adding one (e.g. {@code traceroute}, or {@code traceroute} as a protocol of
 * {@code icmp}) is one line.
 */
public final class ApiTestTypes {

    /** The probe a protocol value selects, with the probe options that value implies. */
    public record Variant(TestType probeType, Map<String, String> params) {
        static Variant of(TestType t) {
            return new Variant(t, Map.of());
        }

        static Variant of(TestType t, String param, String value) {
            return new Variant(t, Map.of(param, value));
        }
    }

    /** An API test type: the protocol used when none is given, and every accepted protocol spelling. */
    public record Route(String defaultProtocol, Map<String, Variant> protocols) {
        public Variant variant(String protocol) {
            return protocols.get(protocol == null ? defaultProtocol : protocol.toLowerCase(java.util.Locale.ROOT));
        }

        public String accepted() {
            return String.join(", ", new TreeSet<>(protocols.keySet()));
        }
    }

    private static final Variant HTTP1 = Variant.of(TestType.HTTP, "protocol", "http1");
    private static final Variant HTTP2 = Variant.of(TestType.HTTP, "protocol", "http2");

    private static final Variant TRACE_ICMP = Variant.of(TestType.TRACEROUTE, "proto", "icmp");

    private static final Map<String, Route> ROUTES = Map.ofEntries(
            Map.entry("http", new Route("auto", Map.of("auto", Variant.of(TestType.HTTP, "protocol", "auto"),
                    "http1", HTTP1, "http/1.1", HTTP1, "http2", HTTP2, "http/2", HTTP2))),
            Map.entry("tcp", new Route("raw", Map.of("raw", Variant.of(TestType.TCP), "tls", Variant.of(TestType.TLS),
                    "ssh", Variant.of(TestType.SSH)))),
            Map.entry("udp", new Route("echo", Map.of("echo", Variant.of(TestType.UDP), "raw", Variant.of(TestType.UDP_RAW),
                    "dns", Variant.of(TestType.DNS)))),
            Map.entry("dns", new Route("udp", Map.of("udp", Variant.of(TestType.DNS), "tcp", Variant.of(TestType.DNS, "tcp", "true")))),
            Map.entry("ssh", new Route("ssh", Map.of("ssh", Variant.of(TestType.SSH)))),
            Map.entry("icmp", new Route("ping", Map.of("ping", Variant.of(TestType.ICMP), "traceroute", TRACE_ICMP))),
            Map.entry("traceroute", new Route("icmp", Map.of("icmp", TRACE_ICMP,
                    "udp", Variant.of(TestType.TRACEROUTE, "proto", "udp"), "tcp", Variant.of(TestType.TRACEROUTE, "proto", "tcp")))),
            Map.entry("mtr", new Route("icmp", Map.of("icmp", Variant.of(TestType.MTR)))),
            Map.entry("mtu", new Route("icmp", Map.of("icmp", Variant.of(TestType.MTU)))),
            Map.entry("http_trace", new Route("auto", Map.of("auto", Variant.of(TestType.HTTP_TRACE)))),
            Map.entry("tcp_trace", new Route("raw", Map.of("raw", Variant.of(TestType.TCP_TRACE)))),
            Map.entry("udp_trace", new Route("raw", Map.of("raw", Variant.of(TestType.UDP_TRACE)))));

    private ApiTestTypes() {
    }

    /** The route for a path segment such as {@code tcp}; empty for types this version does not run. */
    public static Optional<Route> route(String type) {
        return Optional.ofNullable(ROUTES.get(type));
    }

    /** The path segments this server answers, sorted (for the 404 message). */
    public static String available() {
        return String.join(", ", new TreeSet<>(ROUTES.keySet()));
    }
}
