package io.waddleperf.core.spec;

import io.waddleperf.core.echo.EchoCodec;
import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.Set;

/**
 * UDP echo "ping" against a WaddlePerf test server ({@code udp}, docs/PROTOCOL-udp-echo.md):
 * {@code count} datagrams of {@code sizeBytes} sent every {@code interval} whatever the replies do;
 * {@code timeout} is how long to wait for replies after the last send.
 */
public record UdpSpec(String target, Endpoint endpoint, int count, Duration interval, Duration timeout,
                      int sizeBytes, String token) implements ProbeSpec {

    public static final int DEFAULT_PORT = 2000;
    /** The echo header with room for the reply fields (docs/PROTOCOL-udp-echo.md §3). */
    public static final int MIN_SIZE = EchoCodec.HEADER_BYTES;
    public static final int MAX_SIZE = EchoCodec.MAX_DATAGRAM_BYTES;

    public static UdpSpec of(String target, String host, Integer port, ProbeOptions o) {
        Params p = Params.of(o, "udp", Set.of("token"));
        long size = o.sizeBytes() == null ? 64 : o.sizeBytes();
        if (size < MIN_SIZE || size > MAX_SIZE) {
            throw new InvalidSpecException("size", "udp echo datagrams must be " + MIN_SIZE + "-" + MAX_SIZE + " bytes, got " + size);
        }
        String token = p.string("token", null);
        if (token != null && token.isEmpty()) {
            throw new InvalidSpecException("token", "must not be empty");
        }
        if (token != null && size < EchoCodec.AUTH_HEADER_BYTES) {
            throw new InvalidSpecException("size", "authenticated udp echo datagrams need at least "
                    + EchoCodec.AUTH_HEADER_BYTES + " bytes, got " + size);
        }
        return new UdpSpec(target, new Endpoint(host, port == null ? DEFAULT_PORT : port), o.countOr(10),
                o.intervalOr(Duration.ofMillis(100)), o.timeoutOr(Duration.ofSeconds(2)), (int) size, token);
    }

    @Override
    public Duration budget() {
        return interval.multipliedBy(count).plus(timeout);
    }

    @Override
    public TestType testType() {
        return TestType.UDP;
    }
}
