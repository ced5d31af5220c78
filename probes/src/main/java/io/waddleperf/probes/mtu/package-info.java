/**
 * The {@code mtu} probe: path-MTU discovery with the don't-fragment bit set, by ICMP echo requests of
 * chosen total sizes over the native sockets of {@link io.waddleperf.net}, honouring ICMP fragmentation-needed /
 * packet-too-big messages (RFC 1191, RFC 8201) and detecting PMTU black holes (RFC 2923 §2.1).
 */
package io.waddleperf.probes.mtu;
