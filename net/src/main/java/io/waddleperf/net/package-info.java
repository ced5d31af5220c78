/**
 * The native socket layer: a small binding over Linux libc through the Java FFM API ({@code java.lang.foreign})
 * for what {@code java.net} cannot do — ICMP datagram and raw sockets, per-socket TTL / hop limit, path-MTU
 * discovery modes, the socket error queue ({@code IP_RECVERR}, {@code MSG_ERRQUEUE}) with its control messages,
 * {@code poll} timeouts and entering a network namespace ({@code setns}).
 *
 * <p>Linux only, x86-64 and aarch64: every constant and struct layout used here is the same on both (the
 * asm-generic values; see {@link io.waddleperf.net.LinuxNet}). Everything above {@link
 * io.waddleperf.net.Libc} is plain Java. The JVM must run with {@code --enable-native-access=ALL-UNNAMED}.
 */
package io.waddleperf.net;
