package io.waddleperf.core.spec;

import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.Set;

/**
 * Path-MTU discovery ({@code mtu}, docs/RESULTS.md): the largest whole IP packet, between {@code minBytes} and
 * {@code maxBytes}, that reaches the target and is answered with the don't-fragment bit set. Each size is tried up to
 * {@code attempts} times (the {@code count} option), waiting {@code timeout} for the echo reply or an ICMP error each
 * time, so a lossy path is not mistaken for a size limit.
 *
 * @param minBytes smallest packet size tried (IP header included), option {@code min}; null (the default) means the
 *     address family's own floor, known only once the target is resolved: 576 for IPv4 (RFC 791's datagram every
 *     host must accept), 1280 for IPv6 (RFC 8200's minimum link MTU: no IPv6 path carries less)
 * @param maxBytes largest packet size tried; option {@code max}, default 9000 (jumbo frames); capped at run time by
 *     the outgoing interface's MTU
 * @param attempts tries per size before it counts as vanished
 * @param timeout wait for an answer to one try
 */
public record MtuSpec(String target, Endpoint endpoint, Integer minBytes, int maxBytes, int attempts, Duration timeout)
        implements ProbeSpec {

    public static final int DEFAULT_MIN_BYTES = 576;
    /** RFC 8200 §5: every IPv6 link carries 1280-byte packets, so an IPv6 search starting lower learns nothing. */
    public static final int DEFAULT_MIN_BYTES_IPV6 = 1280;
    public static final int DEFAULT_MAX_BYTES = 9000;
    /** RFC 791: every IPv4 module must forward a 68-byte datagram without fragmenting it. */
    public static final int LOWEST_MIN_BYTES = 68;
    public static final int HIGHEST_MAX_BYTES = 65_535;
    public static final int DEFAULT_ATTEMPTS = 3;
    public static final int MAX_ATTEMPTS = 10;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

    public MtuSpec {
        int lowest = minBytes == null ? DEFAULT_MIN_BYTES : minBytes;
        if (lowest < LOWEST_MIN_BYTES || maxBytes > HIGHEST_MAX_BYTES || lowest > maxBytes) {
            throw new InvalidSpecException("min", "mtu search range must satisfy " + LOWEST_MIN_BYTES + " <= min <= max <= "
                    + HIGHEST_MAX_BYTES + ", got " + lowest + "-" + maxBytes);
        }
        if (attempts < 1 || attempts > MAX_ATTEMPTS) {
            throw new InvalidSpecException("count", "mtu attempts per size must be 1-" + MAX_ATTEMPTS + ", got " + attempts);
        }
    }

    public static MtuSpec of(String target, String host, Integer port, ProbeOptions o) {
        if (port != null) {
            throw new InvalidSpecException("port", "mtu targets have no port, got " + port);
        }
        if (o.sizeBytes() != null) {
            throw new InvalidSpecException("size", "the mtu probe chooses its packet sizes; use min and max instead");
        }
        Params p = Params.of(o, "mtu", Set.of("min", "max"));
        Integer min = p.has("min") ? p.integer("min", DEFAULT_MIN_BYTES, LOWEST_MIN_BYTES, HIGHEST_MAX_BYTES) : null;
        int max = p.integer("max", Math.max(min == null ? DEFAULT_MIN_BYTES : min, DEFAULT_MAX_BYTES), LOWEST_MIN_BYTES,
                HIGHEST_MAX_BYTES);
        if (min != null && min > max) {
            throw new InvalidSpecException("min", "must not be above max (" + max + "), got " + min);
        }
        int attempts = o.countOr(DEFAULT_ATTEMPTS);
        if (attempts > MAX_ATTEMPTS) {
            throw new InvalidSpecException("count", "mtu attempts per size must be 1-" + MAX_ATTEMPTS + ", got " + attempts);
        }
        return new MtuSpec(target, Endpoint.hostOnly(host), min, max, attempts, o.timeoutOr(DEFAULT_TIMEOUT));
    }

    /** The smallest size a search toward an address of this family starts at: {@code min} when given, else the family's floor. */
    public int minBytesFor(boolean ipv6) {
        return minBytes != null ? minBytes : ipv6 ? DEFAULT_MIN_BYTES_IPV6 : DEFAULT_MIN_BYTES;
    }

    /** The most sizes a search can try: the minimum, the maximum, a binary search between them, and one jump. */
    public int maxSteps() {
        int span = maxBytes - minBytesFor(false) + 1; // the IPv4 floor: the widest range this spec can search
        return 3 + (32 - Integer.numberOfLeadingZeros(span));
    }

    @Override
    public Duration budget() {
        return timeout.multipliedBy((long) attempts * maxSteps()).plusSeconds(1);
    }

    @Override
    public TestType testType() {
        return TestType.MTU;
    }
}
