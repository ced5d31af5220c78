package io.waddleperf.core.spec;

import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.Set;

/**
 * ICMP echo "ping" ({@code icmp}, docs/RESULTS.md): {@code count} echo requests carrying {@code sizeBytes} of data, sent every
 * {@code interval} whatever the replies do; {@code timeout} is how long to wait for replies after the last send.
 * Optional {@code ttl} (IP TTL / IPv6 hop limit of the requests, null = system default) and {@code dontFragment}
 * (DF bit / no fragmentation, as {@code ping -M do}).
 */
public record IcmpSpec(String target, Endpoint endpoint, int count, Duration interval, Duration timeout,
                       int sizeBytes, Integer ttl, boolean dontFragment) implements ProbeSpec {

    public static final int DEFAULT_SIZE = 56;
    /** 65535 minus a 20-byte IPv4 header and the 8-byte ICMP header. */
    public static final int MAX_SIZE = 65_507;
    /** Below this spacing a ping becomes a flood (iputils allows less only to root). */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(10);

    public static IcmpSpec of(String target, String host, Integer port, ProbeOptions o) {
        if (port != null) {
            throw new InvalidSpecException("port", "icmp targets have no port, got " + port);
        }
        Params p = Params.of(o, "icmp", Set.of("ttl", "df"));
        long size = o.sizeBytes() == null ? DEFAULT_SIZE : o.sizeBytes();
        if (size < 0 || size > MAX_SIZE) {
            throw new InvalidSpecException("size", "icmp payload must be 0-" + MAX_SIZE + " bytes, got " + size);
        }
        Duration interval = o.intervalOr(Duration.ofSeconds(1));
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw new InvalidSpecException("interval", "icmp interval must be at least " + MIN_INTERVAL.toMillis() + " ms, got " + interval.toMillis() + " ms");
        }
        Integer ttl = o.params().containsKey("ttl") ? p.integer("ttl", 64, 1, 255) : null;
        return new IcmpSpec(target, Endpoint.hostOnly(host), o.countOr(4), interval, o.timeoutOr(Duration.ofSeconds(10)),
                (int) size, ttl, p.bool("df", false));
    }

    @Override
    public Duration budget() {
        return interval.multipliedBy(count).plus(timeout);
    }

    @Override
    public TestType testType() {
        return TestType.ICMP;
    }
}
