package io.waddleperf.core.spec;

import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.Set;

/**
 * A DNS query for {@code name}/{@code recordType} sent to the named resolver, not the system one
 * ({@code dns}, docs/RESULTS.md); UDP with TCP fallback on truncation, or TCP only when {@code tcp}.
 */
public record DnsSpec(String target, Endpoint endpoint, String name, String recordType, int count, Duration interval,
                      Duration timeout, boolean tcp) implements ProbeSpec {

    public static final int DEFAULT_PORT = 53;
    public static final Set<String> TYPES = Set.of("a", "aaaa", "cname", "mx", "ns", "txt", "soa", "ptr", "srv", "caa", "any");

    public static DnsSpec of(String target, String host, Integer port, String pathName, ProbeOptions o) {
        Params p = Params.of(o, "dns", Set.of("type", "name", "query", "tcp"));
        String name = p.string("name", p.string("query", pathName == null || pathName.isBlank() ? "example.com" : pathName));
        if (name.length() > 253 || !name.matches("[A-Za-z0-9_.-]+\\.?")) {
            throw new InvalidSpecException("query", "not a DNS name: '" + name + "'");
        }
        String type = p.oneOf("type", "a", TYPES);
        return new DnsSpec(target, new Endpoint(host, port == null ? DEFAULT_PORT : port), name,
                type.toUpperCase(java.util.Locale.ROOT), o.countOr(1), o.intervalOr(Duration.ofMillis(100)),
                o.timeoutOr(Duration.ofSeconds(5)), p.bool("tcp", false));
    }

    @Override
    public Duration budget() {
        return ProbeSpec.budgetOf(count, interval, timeout);
    }

    @Override
    public TestType testType() {
        return TestType.DNS;
    }

    @Override
    public String protocolDetail() {
        return tcp ? "tcp" : "udp";
    }
}
