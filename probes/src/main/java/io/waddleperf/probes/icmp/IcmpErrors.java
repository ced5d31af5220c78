package io.waddleperf.probes.icmp;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.probes.Failures;
import io.waddleperf.net.ExtendedError;
import io.waddleperf.net.LinuxNet;

/** Maps an ICMP error from the socket error queue to the error vocabulary, with a detail naming type, code and sender. */
public final class IcmpErrors {

    private IcmpErrors() {
    }

    public static Failures.Failure classify(ExtendedError e, boolean ipv6) {
        if (!e.fromIcmp()) {
            // A local error (e.g. EMSGSIZE above the cached path MTU with DF set): ee_info holds the MTU then.
            String detail = "local error errno " + e.errno() + (e.info() > 0 ? ", mtu " + e.info() : "");
            return new Failures.Failure(ErrorKind.PROTOCOL_ERROR, detail);
        }
        String from = e.offender() == null ? "" : " from " + e.offender().getHostAddress();
        if (e.origin() == LinuxNet.SO_EE_ORIGIN_ICMP6 || ipv6) {
            // RFC 4443 §3: 1 destination unreachable (0 no route), 2 packet too big (MTU), 3 time exceeded.
            return switch (e.icmpType()) {
                case 1 -> new Failures.Failure(e.icmpCode() == 0 ? ErrorKind.NETWORK_UNREACHABLE : ErrorKind.HOST_UNREACHABLE,
                        "icmpv6 destination unreachable code " + e.icmpCode() + from);
                case 2 -> new Failures.Failure(ErrorKind.PROTOCOL_ERROR, "icmpv6 packet too big, mtu " + e.info() + from);
                case 3 -> new Failures.Failure(ErrorKind.HOST_UNREACHABLE, "icmpv6 time exceeded" + from);
                default -> new Failures.Failure(ErrorKind.PROTOCOL_ERROR, "icmpv6 type " + e.icmpType() + " code " + e.icmpCode() + from);
            };
        }
        // RFC 792: 3 destination unreachable (0 net, 1 host, 3 port, 4 fragmentation needed + DF), 11 time exceeded.
        if (e.icmpType() == 3) {
            return switch (e.icmpCode()) {
                case 0 -> new Failures.Failure(ErrorKind.NETWORK_UNREACHABLE, "icmp net unreachable" + from);
                case 4 -> new Failures.Failure(ErrorKind.PROTOCOL_ERROR, "icmp fragmentation needed, next-hop mtu " + e.info() + from);
                default -> new Failures.Failure(ErrorKind.HOST_UNREACHABLE, "icmp destination unreachable code " + e.icmpCode() + from);
            };
        }
        return e.icmpType() == 11
                ? new Failures.Failure(ErrorKind.HOST_UNREACHABLE, "icmp time exceeded" + from)
                : new Failures.Failure(ErrorKind.PROTOCOL_ERROR, "icmp type " + e.icmpType() + " code " + e.icmpCode() + from);
    }
}
