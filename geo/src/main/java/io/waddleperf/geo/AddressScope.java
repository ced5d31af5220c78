package io.waddleperf.geo;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The kind of an address as far as geolocation cares: only {@link #PUBLIC} addresses are in GeoIP databases; the
 * others are labelled the way LibreSpeed's {@code getIP} labels them (backend/getIP.php, e.g. "private IPv4 access").
 */
public enum AddressScope {
    PUBLIC("public"),
    LOOPBACK("localhost"),
    /** RFC 1918 (IPv4). */
    PRIVATE("private"),
    /** 169.254.0.0/16 (RFC 3927), fe80::/10 (RFC 4291). */
    LINK_LOCAL("link-local"),
    /** 100.64.0.0/10, carrier-grade NAT (RFC 6598). */
    CGNAT("CGNAT"),
    /** fc00::/7 (RFC 4193). */
    UNIQUE_LOCAL("ULA"),
    /** Unspecified, multicast and other addresses no host has as its own. */
    SPECIAL("special");

    private final String word;

    AddressScope(String word) {
        this.word = word;
    }

    /** The scope of {@code address}; IPv4-mapped IPv6 addresses are already IPv4 addresses in Java. */
    public static AddressScope of(InetAddress address) {
        byte[] a = address.getAddress();
        if (address.isLoopbackAddress()) {
            return LOOPBACK;
        }
        if (address.isLinkLocalAddress()) {
            return LINK_LOCAL;
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return SPECIAL;
        }
        if (address instanceof Inet4Address) {
            int b0 = a[0] & 0xff;
            int b1 = a[1] & 0xff;
            if (address.isSiteLocalAddress()) {
                return PRIVATE;
            }
            if (b0 == 100 && (b1 & 0xc0) == 64) {
                return CGNAT;
            }
            return b0 == 0 || b0 >= 240 ? SPECIAL : PUBLIC;
        }
        if ((a[0] & 0xfe) == 0xfc || address.isSiteLocalAddress()) {
            return UNIQUE_LOCAL;
        }
        return PUBLIC;
    }

    /** LibreSpeed's label, e.g. "private IPv4 access", "localhost IPv6 access"; null for public addresses. */
    public String label(InetAddress address) {
        if (this == PUBLIC) {
            return null;
        }
        return word + (address instanceof Inet4Address ? " IPv4" : " IPv6") + " access";
    }
}
