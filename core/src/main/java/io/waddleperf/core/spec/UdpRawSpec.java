package io.waddleperf.core.spec;

import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;

/**
 * Sends a datagram and reports whether and when a reply came ({@code udp_raw}, docs/RESULTS.md); no reply is a
 * failure ({@code no_reply}), never a success. {@code payload} defaults to {@code sizeBytes} zero bytes.
 */
public record UdpRawSpec(String target, Endpoint endpoint, int count, Duration interval, Duration timeout,
                         byte[] payload) implements ProbeSpec {

    public static final int DEFAULT_PORT = 161;
    /** 65535 minus the IPv4 and UDP headers. */
    public static final int MAX_PAYLOAD_BYTES = 65_507;

    public UdpRawSpec {
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    public static UdpRawSpec of(String target, String host, Integer port, ProbeOptions o) {
        Params p = Params.of(o, "udp_raw", Set.of("payload_hex"));
        String hex = p.string("payload_hex", null);
        byte[] payload;
        if (hex != null) {
            try {
                payload = HexFormat.of().parseHex(hex);
            } catch (IllegalArgumentException e) {
                throw new InvalidSpecException("payload_hex", "not hexadecimal: " + e.getMessage());
            }
        } else {
            long size = o.sizeBytes() == null ? 1 : o.sizeBytes();
            if (size > MAX_PAYLOAD_BYTES) {
                throw new InvalidSpecException("size", "a UDP datagram carries at most " + MAX_PAYLOAD_BYTES
                        + " bytes, got " + size);
            }
            payload = new byte[(int) size];
        }
        return new UdpRawSpec(target, new Endpoint(host, port == null ? DEFAULT_PORT : port), o.countOr(1),
                o.intervalOr(Duration.ofMillis(100)), o.timeoutOr(Duration.ofSeconds(2)), payload);
    }

    @Override
    public Duration budget() {
        return ProbeSpec.budgetOf(count, interval, timeout);
    }

    @Override
    public TestType testType() {
        return TestType.UDP_RAW;
    }
}
