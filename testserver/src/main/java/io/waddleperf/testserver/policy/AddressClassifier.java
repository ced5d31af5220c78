package io.waddleperf.testserver.policy;

import io.waddleperf.core.address.Cidr;
import java.net.InetAddress;
import java.util.List;

/**
 * Classifies an IP address by the IANA special-purpose address registries (RFC 6890 and successors). IPv6
 * forms that carry an IPv4 address (IPv4-mapped, NAT64 well-known prefix, 6to4, Teredo) are classified by the
 * IPv4 address inside, so {@code ::ffff:127.0.0.1} is loopback and {@code 2002:0a00:0001::} private.
 */
public final class AddressClassifier {

    private record Block(Cidr cidr, AddressClass addressClass) {
        static Block of(String cidr, AddressClass c) {
            return new Block(Cidr.parse(cidr), c);
        }
    }

    /** First match wins, so more specific blocks come first. */
    private static final List<Block> IPV4 = List.of(
            Block.of("0.0.0.0/8", AddressClass.UNSPECIFIED),          // "this network", RFC 791 / RFC 1122
            Block.of("10.0.0.0/8", AddressClass.PRIVATE),             // RFC 1918
            Block.of("100.64.0.0/10", AddressClass.SHARED_ADDRESS_SPACE), // RFC 6598
            Block.of("127.0.0.0/8", AddressClass.LOOPBACK),           // RFC 1122
            Block.of("169.254.0.0/16", AddressClass.LINK_LOCAL),      // RFC 3927
            Block.of("172.16.0.0/12", AddressClass.PRIVATE),          // RFC 1918
            Block.of("192.0.0.0/24", AddressClass.RESERVED),          // IETF protocol assignments, RFC 6890
            Block.of("192.0.2.0/24", AddressClass.DOCUMENTATION),     // TEST-NET-1, RFC 5737
            Block.of("192.88.99.0/24", AddressClass.RESERVED),        // deprecated 6to4 relay anycast, RFC 7526
            Block.of("192.168.0.0/16", AddressClass.PRIVATE),         // RFC 1918
            Block.of("198.18.0.0/15", AddressClass.BENCHMARKING),     // RFC 2544
            Block.of("198.51.100.0/24", AddressClass.DOCUMENTATION),  // TEST-NET-2, RFC 5737
            Block.of("203.0.113.0/24", AddressClass.DOCUMENTATION),   // TEST-NET-3, RFC 5737
            Block.of("224.0.0.0/4", AddressClass.MULTICAST),          // RFC 5771
            Block.of("255.255.255.255/32", AddressClass.BROADCAST),   // RFC 919
            Block.of("240.0.0.0/4", AddressClass.RESERVED));          // RFC 1112

    private static final Cidr MAPPED = Cidr.parse("::ffff:0:0/96");     // IPv4-mapped, RFC 4291 §2.5.5.2
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");       // well-known NAT64 prefix, RFC 6052
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");    // RFC 3056
    private static final Cidr TEREDO = Cidr.parse("2001::/32");         // RFC 4380
    private static final Cidr GLOBAL_UNICAST = Cidr.parse("2000::/3");  // RFC 4291 §2.4: everything else is unallocated

    private static final List<Block> IPV6 = List.of(
            Block.of("::/128", AddressClass.UNSPECIFIED),             // RFC 4291
            Block.of("::1/128", AddressClass.LOOPBACK),               // RFC 4291
            Block.of("::/96", AddressClass.RESERVED),                 // deprecated IPv4-compatible, RFC 4291 §2.5.5.1
            Block.of("64:ff9b:1::/48", AddressClass.PRIVATE),         // local-use NAT64, RFC 8215
            Block.of("100::/64", AddressClass.RESERVED),              // discard-only, RFC 6666
            Block.of("2001:db8::/32", AddressClass.DOCUMENTATION),    // RFC 3849
            Block.of("2001::/23", AddressClass.RESERVED),             // IETF protocol assignments, RFC 2928
            Block.of("3fff::/20", AddressClass.DOCUMENTATION),        // RFC 9637
            Block.of("5f00::/16", AddressClass.RESERVED),             // SRv6 SIDs, RFC 9602
            Block.of("fc00::/7", AddressClass.UNIQUE_LOCAL),          // RFC 4193
            Block.of("fe80::/10", AddressClass.LINK_LOCAL),           // RFC 4291
            Block.of("fec0::/10", AddressClass.UNIQUE_LOCAL),         // deprecated site-local, RFC 3879
            Block.of("ff00::/8", AddressClass.MULTICAST));            // RFC 4291

    private AddressClassifier() {
    }

    public static AddressClass classify(InetAddress address) {
        return classify(address.getAddress());
    }

    static AddressClass classify(byte[] a) {
        if (a.length == 4) {
            return first(IPV4, a);
        }
        if (MAPPED.contains(a) || NAT64.contains(a)) {
            return classify(slice(a, 12, false));
        }
        if (TEREDO.contains(a)) {
            // the client's IPv4 address is stored inverted in the last 32 bits (RFC 4380 §4)
            return classify(slice(a, 12, true));
        }
        if (SIX_TO_FOUR.contains(a)) {
            return classify(slice(a, 2, false));
        }
        AddressClass c = first(IPV6, a);
        if (c == AddressClass.PUBLIC && !GLOBAL_UNICAST.contains(a)) {
            return AddressClass.RESERVED;
        }
        return c;
    }

    private static AddressClass first(List<Block> blocks, byte[] a) {
        for (Block b : blocks) {
            if (b.cidr().contains(a)) {
                return b.addressClass();
            }
        }
        return AddressClass.PUBLIC;
    }

    private static byte[] slice(byte[] a, int from, boolean invert) {
        byte[] v4 = new byte[4];
        for (int i = 0; i < 4; i++) {
            v4[i] = (byte) (invert ? ~a[from + i] : a[from + i]);
        }
        return v4;
    }
}
