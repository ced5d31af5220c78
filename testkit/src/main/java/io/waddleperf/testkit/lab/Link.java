package io.waddleperf.testkit.lab;

import java.net.Inet4Address;
import java.net.Inet6Address;

/**
 * One veth link of the lab, as built: link {@code index} joins node {@code index} (the left, client side; the client
 * is node 0) and node {@code index + 1} (the right, server side). Addresses are in a /24 (IPv4) and a /64 (IPv6).
 */
public record Link(
        int index,
        String leftNode,
        String rightNode,
        String leftInterface,
        String rightInterface,
        Inet4Address leftV4,
        Inet4Address rightV4,
        Inet6Address leftV6,
        Inet6Address rightV6,
        LinkConfig config) {

    public static final int PREFIX_V4 = 24;
    public static final int PREFIX_V6 = 64;
}
