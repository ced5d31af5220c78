package io.waddleperf.testkit.lab;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The lab's addresses, derived from its random id so parallel labs use different ranges (they could not collide
 * anyway, being in separate namespaces, but distinct ranges keep captures and logs unambiguous). Link {@code k} gets
 * {@code 10.B.(C+k).0/24} with {@code .1} on the left and {@code .2} on the right, B in 128–255 and C a multiple of
 * 32, and the RFC 4193 unique-local {@code fdXX:XXXX:k::/64} with {@code ::1} and {@code ::2}.
 */
final class AddressPlan {

    static final int MAX_LINKS = 32;

    private final int second;
    private final int thirdBase;
    private final String v6Prefix;

    AddressPlan(String hexId) {
        int id = Integer.parseInt(hexId, 16);
        this.second = 128 + (id & 0x7f);
        this.thirdBase = 32 * ((id >> 7) & 0x7);
        this.v6Prefix = "fd" + hexId.substring(0, 2) + ":" + hexId.substring(2, 6);
    }

    Inet4Address v4(int link, boolean right) {
        return (Inet4Address) parse("10." + second + "." + (thirdBase + link) + "." + (right ? 2 : 1));
    }

    String v4Subnet(int link) {
        return "10." + second + "." + (thirdBase + link) + ".0/" + Link.PREFIX_V4;
    }

    Inet6Address v6(int link, boolean right) {
        return (Inet6Address) parse(v6Prefix + ":" + Integer.toHexString(link) + "::" + (right ? 2 : 1));
    }

    String v6Subnet(int link) {
        return v6Prefix + ":" + Integer.toHexString(link) + "::/" + Link.PREFIX_V6;
    }

    private static InetAddress parse(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("not an address literal: " + literal, e);
        }
    }
}
