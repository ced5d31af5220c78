/**
 * The native layer: a small binding over Linux libc through the Java FFM API ({@code java.lang.foreign}) for what
 * {@code java.net} cannot do — ICMP datagram and raw sockets, per-socket TTL / hop limit, path-MTU discovery modes,
 * the socket error queue ({@code IP_RECVERR}, {@code MSG_ERRQUEUE}) with its control messages, {@code poll}
 * timeouts, {@code sock_diag} lookups, entering a network namespace ({@code setns}) and real-time scheduling. It is
 * the only code in the project that declares a downcall, and it depends on no other project module.
 *
 * <p>Linux only, x86-64 and aarch64: every constant and struct layout used here is the same on both (the
 * asm-generic values; see {@link io.waddleperf.net.LinuxNet}), and {@link io.waddleperf.net.NativePlatform} refuses
 * anything else before a call is linked. Everything above {@link io.waddleperf.net.Libc} is plain Java. The JVM must
 * run with {@code --enable-native-access=ALL-UNNAMED}.
 */
package io.waddleperf.net;
