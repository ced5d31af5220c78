package io.waddleperf.app.report;

/** The socket methods the native probes name in {@code raw_results.method}, in words. */
final class Sockets {

    private Sockets() {
    }

    static String describe(String method) {
        return switch (method) {
            case "icmp_datagram" -> "ICMP datagram socket";
            case "icmp_raw" -> "raw ICMP socket";
            case "system_ping" -> "the system's ping";
            case "udp_recverr" -> "UDP socket, ICMP errors from the error queue";
            case "tcp_syn_recverr" -> "TCP connects, ICMP errors from the error queue";
            case "system_traceroute" -> "the system's traceroute";
            default -> method.replace('_', ' ');
        };
    }
}
