package io.waddleperf.testserver.policy;

import java.util.Locale;

/** What kind of address an IP is, as far as the test API's target policy cares; only {@link #PUBLIC} is probed by default. */
public enum AddressClass {
    PUBLIC,
    UNSPECIFIED,
    LOOPBACK,
    PRIVATE,
    /** 100.64.0.0/10, carrier-grade NAT (RFC 6598). */
    SHARED_ADDRESS_SPACE,
    LINK_LOCAL,
    /** fc00::/7 (RFC 4193) and the deprecated site-local fec0::/10 (RFC 3879). */
    UNIQUE_LOCAL,
    MULTICAST,
    BROADCAST,
    DOCUMENTATION,
    /** 198.18.0.0/15 (RFC 2544). */
    BENCHMARKING,
    /** Reserved, deprecated or not globally routable special-purpose blocks (RFC 6890 registries). */
    RESERVED;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
