package io.waddleperf.probes.trace;

import io.waddleperf.net.ExtendedError;
import io.waddleperf.net.LinuxNet;
import java.net.InetAddress;

/**
 * What came back for one path probe.
 *
 * @param from who answered (a router for {@link Kind#TIME_EXCEEDED}, the destination for {@link Kind#REACHED})
 * @param rttMs from the send to the answer, milliseconds
 * @param kind what the answer means for the trace
 * @param note traceroute's annotation: {@code !H}, {@code !N}, {@code !P}, {@code !X}, {@code !F} for unreachables,
 *     {@code open}/{@code closed} for a TCP destination; null otherwise
 */
record PathReply(InetAddress from, double rttMs, Kind kind, String note) {

    /** The meaning of an answer. */
    enum Kind {
        /** A router on the way: ICMP time exceeded (RFC 792 type 11, RFC 4443 type 3). */
        TIME_EXCEEDED,
        /** The destination: echo reply, port unreachable, UDP data, SYN-ACK or RST. */
        REACHED,
        /** Someone says the destination cannot be reached (destination unreachable other than port). */
        UNREACHABLE
    }

    /** The reply an ICMP error from the socket error queue stands for. */
    static PathReply fromIcmpError(ExtendedError e, double rttMs) {
        InetAddress from = e.offender();
        if (e.origin() == LinuxNet.SO_EE_ORIGIN_ICMP6) {
            // RFC 4443 §3: type 3 time exceeded; type 1 destination unreachable (0 no route, 1 prohibited,
            // 3 address unreachable, 4 port unreachable); type 2 packet too big.
            return switch (e.icmpType()) {
                case 3 -> new PathReply(from, rttMs, Kind.TIME_EXCEEDED, null);
                case 1 -> e.icmpCode() == 4 ? new PathReply(from, rttMs, Kind.REACHED, null)
                        : new PathReply(from, rttMs, Kind.UNREACHABLE, switch (e.icmpCode()) {
                            case 0 -> "!N";
                            case 1, 5, 6 -> "!X";
                            default -> "!H";
                        });
                case 2 -> new PathReply(from, rttMs, Kind.UNREACHABLE, "!F");
                default -> new PathReply(from, rttMs, Kind.UNREACHABLE, "!<" + e.icmpType() + ">");
            };
        }
        // RFC 792: type 11 time exceeded; type 3 destination unreachable (0 net, 1 host, 2 protocol, 3 port,
        // 4 fragmentation needed; RFC 1812 §5.2.7.1: 9, 10, 13 administratively prohibited).
        if (e.icmpType() == 11) {
            return new PathReply(from, rttMs, Kind.TIME_EXCEEDED, null);
        }
        if (e.icmpType() == 3) {
            return switch (e.icmpCode()) {
                case 3 -> new PathReply(from, rttMs, Kind.REACHED, null);
                case 0, 6, 11 -> new PathReply(from, rttMs, Kind.UNREACHABLE, "!N");
                case 2 -> new PathReply(from, rttMs, Kind.UNREACHABLE, "!P");
                case 4 -> new PathReply(from, rttMs, Kind.UNREACHABLE, "!F");
                case 9, 10, 13 -> new PathReply(from, rttMs, Kind.UNREACHABLE, "!X");
                default -> new PathReply(from, rttMs, Kind.UNREACHABLE, "!H");
            };
        }
        return new PathReply(from, rttMs, Kind.UNREACHABLE, "!<" + e.icmpType() + ">");
    }
}
