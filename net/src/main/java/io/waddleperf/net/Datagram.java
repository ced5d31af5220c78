package io.waddleperf.net;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * One message read by {@code recvmsg(2)}.
 *
 * @param data the bytes received (at most the buffer size; see {@code flags} for truncation)
 * @param from the sender, or null when the kernel gave none
 * @param control the ancillary messages
 * @param flags {@code msg_flags} ({@code MSG_TRUNC}, {@code MSG_CTRUNC}, {@code MSG_ERRQUEUE})
 */
public record Datagram(byte[] data, InetSocketAddress from, List<ControlMessage> control, int flags) {

    /** The first control message {@code level}/{@code type}, or null. */
    public ControlMessage control(int level, int type) {
        return control.stream().filter(c -> c.is(level, type)).findFirst().orElse(null);
    }

    /** The extended error of an error-queue message ({@code IP_RECVERR} or {@code IPV6_RECVERR}), or null. */
    public ExtendedError extendedError() {
        ControlMessage c = control(LinuxNet.IPPROTO_IP, LinuxNet.IP_RECVERR);
        if (c == null) {
            c = control(LinuxNet.IPPROTO_IPV6, LinuxNet.IPV6_RECVERR);
        }
        return c == null ? null : ExtendedError.parse(c.data());
    }
}
