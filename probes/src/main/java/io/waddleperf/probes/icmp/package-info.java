/**
 * The {@code icmp} probe: ICMP / ICMPv6 echo over the native sockets of {@link io.waddleperf.net}
 * — an ICMP datagram socket where {@code net.ipv4.ping_group_range} allows it, else a raw socket — and, only when
 * neither can be opened, the system {@code ping} as a last fallback; {@code raw_results.method} says which ran.
 */
package io.waddleperf.probes.icmp;
